using Bridge.Gateway.Routing;

namespace Bridge.Tests.Routing;

/// <summary>In-memory <see cref="IDeploymentStatsSource"/>: whatever a test sets, <c>default</c> otherwise.</summary>
internal sealed class FakeStatsSource : IDeploymentStatsSource
{
    private readonly Dictionary<string, DeploymentStats> _stats = new(StringComparer.Ordinal);

    public DeploymentStats this[string id]
    {
        get => Get(id);
        set => _stats[id] = value;
    }

    public DeploymentStats Get(string deploymentId) => _stats.GetValueOrDefault(deploymentId);
}
