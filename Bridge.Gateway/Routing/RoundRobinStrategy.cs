using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Bridge.Gateway.Configuration;

namespace Bridge.Gateway.Routing;

/// <summary>
/// <c>round-robin</c>: each group has an atomic counter; the n-th pick takes candidate <c>n mod count</c>. While the
/// candidate list is stable the rotation is exact; when a deployment drops out the rotation continues over the rest.
/// </summary>
public sealed class RoundRobinStrategy : IRoutingStrategy
{
    public const string StrategyName = "round-robin";

    private readonly ConcurrentDictionary<string, StrongBox<long>> _counters = new(StringComparer.Ordinal);

    public string Name => StrategyName;

    public ModelDeployment? Pick(IReadOnlyList<ModelDeployment> candidates, RoutingContext context)
    {
        if (candidates.Count == 0) return null;
        var counter = _counters.GetOrAdd(context.GroupName, static _ => new StrongBox<long>(-1));
        var n = (ulong)Interlocked.Increment(ref counter.Value);
        return candidates[(int)(n % (ulong)candidates.Count)];
    }
}
