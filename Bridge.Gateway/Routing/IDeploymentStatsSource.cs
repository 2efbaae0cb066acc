namespace Bridge.Gateway.Routing;

/// <summary>Reads the current <see cref="DeploymentStats"/> of a deployment. Must be cheap and must not throw for unknown ids.</summary>
public interface IDeploymentStatsSource
{
    /// <summary>The snapshot for <paramref name="deploymentId"/>; <c>default</c> when nothing is recorded.</summary>
    DeploymentStats Get(string deploymentId);
}
