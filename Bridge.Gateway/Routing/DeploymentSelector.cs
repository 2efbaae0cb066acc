using Bridge.Gateway.Configuration;
using Bridge.Gateway.Models;

namespace Bridge.Gateway.Routing;

/// <summary>Picks the deployment of a group that serves a request.</summary>
public interface IDeploymentSelector
{
    /// <summary>A deployment, or null when none can serve (then <paramref name="reason"/> says why).</summary>
    ModelDeployment? Pick(ModelGroup group, out string? reason);
}

/// <summary>Uniform random choice among the deployments that are available (their secrets resolved).</summary>
public sealed class RandomDeploymentSelector(Random? random = null) : IDeploymentSelector
{
    private readonly Random _random = random ?? Random.Shared;

    public ModelDeployment? Pick(ModelGroup group, out string? reason)
    {
        var count = 0;
        foreach (var d in group.Deployments) if (d.IsAvailable) count++;
        if (count == 0)
        {
            reason = string.Join("; ", group.Deployments.Select(d => $"deployment '{d.Id}' ({d.ConfiguredModel}) is unavailable: {d.UnavailableReason}"));
            return null;
        }
        var n = _random.Next(count);
        foreach (var d in group.Deployments)
        {
            if (!d.IsAvailable) continue;
            if (n-- == 0)
            {
                reason = null;
                return d;
            }
        }
        reason = "no deployment";
        return null;
    }
}
