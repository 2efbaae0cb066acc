using Bridge.Gateway.Configuration;

namespace Bridge.Gateway.Routing;

/// <summary>
/// <c>latency-based-routing</c>: the fastest candidates by smoothed latency (time to first token when the request
/// streams). Every candidate within <c>(1 + lowest_latency_buffer) x</c> the best is picked uniformly at random.
/// Candidates without a sample for the metric in use are tried first (uniformly among themselves), so a new or
/// recovered deployment gets measured; LiteLLM does the same by seeding unseen deployments with latency 0.
/// Unlike LiteLLM, a streamed request never falls back to whole-response latency for a deployment that has no
/// time-to-first-token sample: that deployment counts as unmeasured, since the two numbers are not comparable.
/// </summary>
public sealed class LatencyBasedStrategy : IRoutingStrategy
{
    public const string StrategyName = "latency-based-routing";

    public string Name => StrategyName;

    public ModelDeployment? Pick(IReadOnlyList<ModelDeployment> candidates, RoutingContext context)
    {
        if (candidates.Count == 0) return null;
        var latencies = new double?[candidates.Count];
        var best = double.PositiveInfinity;
        var unmeasured = 0;
        for (var i = 0; i < candidates.Count; i++)
        {
            var stats = context.Stats.Get(candidates[i].Id);
            var latency = context.IsStreaming ? stats.TtftEwmaMs : stats.LatencyEwmaMs;
            latencies[i] = latency;
            if (latency is not { } ms) unmeasured++;
            else if (ms < best) best = ms;
        }

        if (unmeasured > 0) return Nth(candidates, latencies, context.Random.Next(unmeasured), static l => l is null);

        var limit = best * (1 + context.Args.LowestLatencyBuffer);
        var within = 0;
        foreach (var l in latencies) if (l <= limit) within++;
        return Nth(candidates, latencies, context.Random.Next(within), l => l <= limit);
    }

    private static ModelDeployment Nth(IReadOnlyList<ModelDeployment> candidates, double?[] latencies, int n, Func<double?, bool> match)
    {
        for (var i = 0; i < candidates.Count; i++)
        {
            if (match(latencies[i]) && n-- == 0) return candidates[i];
        }
        throw new InvalidOperationException("unreachable: n is below the number of matches");
    }
}
