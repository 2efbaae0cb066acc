using Bridge.Gateway.Configuration;

namespace Bridge.Gateway.Routing;

/// <summary>
/// <c>usage-based-routing</c> and <c>usage-based-routing-v2</c>: the candidate with the most headroom in the current
/// minute, i.e. the lowest <c>max(rpm_used / rpm, tpm_used / tpm)</c> (a deployment without limits has ratio 0).
/// Ties go to fewer tokens used this minute (LiteLLM's own criterion), then to chance.
/// </summary>
public sealed class UsageBasedStrategy(string name) : IRoutingStrategy
{
    public const string StrategyName = "usage-based-routing";
    public const string StrategyNameV2 = "usage-based-routing-v2";

    public string Name { get; } = name;

    public ModelDeployment? Pick(IReadOnlyList<ModelDeployment> candidates, RoutingContext context)
    {
        ModelDeployment? best = null;
        var bestRatio = double.PositiveInfinity;
        var bestTokens = long.MaxValue;
        var ties = 0;
        foreach (var d in candidates)
        {
            var stats = context.Stats.Get(d.Id);
            var ratio = UsageRatio(d, stats);
            if (best is null || ratio < bestRatio || (ratio == bestRatio && stats.TpmUsed < bestTokens))
            {
                (best, bestRatio, bestTokens, ties) = (d, ratio, stats.TpmUsed, 1);
            }
            else if (ratio == bestRatio && stats.TpmUsed == bestTokens && context.Random.Next(++ties) == 0)
            {
                best = d;
            }
        }
        return best;
    }

    /// <summary>How much of its per-minute limits the deployment has used: 0 = untouched, 1 = at a limit.</summary>
    public static double UsageRatio(ModelDeployment deployment, DeploymentStats stats)
    {
        var ratio = 0.0;
        if (deployment.Rpm is > 0 and var rpm) ratio = Math.Max(ratio, (double)stats.RpmUsed / rpm);
        if (deployment.Tpm is > 0 and var tpm) ratio = Math.Max(ratio, (double)stats.TpmUsed / tpm);
        return ratio;
    }
}
