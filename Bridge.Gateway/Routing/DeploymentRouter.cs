using System.Globalization;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Models;

namespace Bridge.Gateway.Routing;

/// <summary>
/// Chooses the deployment of a model group that serves a request. Three steps, as LiteLLM:
/// <list type="number">
/// <item>Drop unusable deployments: unavailable (unresolved secret), excluded by the caller (already tried), cooling
/// down, or at their <c>rpm</c>/<c>tpm</c> for the current minute.</item>
/// <item>Keep the best priority tier: the lowest explicit <c>order</c> among the usable (1 is the highest priority).
/// Deployments without <c>order</c> are considered only when no usable deployment has one, so they rank after every
/// explicit order (LiteLLM's <c>_get_order_filtered_deployments</c>).</item>
/// <item>Let the configured <see cref="IRoutingStrategy"/> choose among what is left, unless the caller's
/// <c>preferred</c> deployment (the one its session is pinned to) is among them: then that one.</item>
/// </list>
/// Thread-safe if the <see cref="Random"/> given is (<see cref="Random.Shared"/> is; a seeded instance is not).
/// </summary>
public sealed class DeploymentRouter
{
    private readonly IDeploymentStatsSource _stats;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly RoutingStrategyArgs _args;

    /// <exception cref="ConfigException">The strategy name is unknown or an argument is out of range.</exception>
    public DeploymentRouter(RouterSettings settings, IDeploymentStatsSource stats, TimeProvider time, Random random, RoutingStrategyArgs? args = null)
    {
        Strategy = RoutingStrategies.Create(settings.RoutingStrategy) ?? throw new ConfigException(
            $"router_settings.routing_strategy: unknown strategy '{settings.RoutingStrategy}'; expected one of {string.Join(", ", RoutingStrategies.Names)}");
        _args = args ?? RoutingStrategyArgs.Default;
        if (!double.IsFinite(_args.LowestLatencyBuffer) || _args.LowestLatencyBuffer < 0)
        {
            throw new ConfigException(
                $"router_settings.routing_strategy_args.lowest_latency_buffer: must be a number of 0 or more, got {_args.LowestLatencyBuffer.ToString(CultureInfo.InvariantCulture)}");
        }
        _stats = stats;
        _time = time;
        _random = random;
    }

    public IRoutingStrategy Strategy { get; }

    /// <param name="preferred">
    /// The deployment the request's session is pinned to (session affinity), or null. Chosen when it survives steps 1
    /// and 2 (usable, not excluded, in the best tier); otherwise the strategy picks, and the session moves.
    /// </param>
    public RoutingDecision Pick(ModelGroup group, bool streaming, IReadOnlySet<string> exclude, string? preferred = null)
    {
        var now = _time.GetUtcNow();
        var usable = new List<ModelDeployment>(group.Deployments.Count);
        List<UnusableDeployment>? unusable = null;
        int? bestOrder = null;
        foreach (var d in group.Deployments)
        {
            if (Check(d, now, exclude) is { } reason)
            {
                (unusable ??= []).Add(reason);
                continue;
            }
            usable.Add(d);
            if (d.Order is { } order && (bestOrder is null || order < bestOrder)) bestOrder = order;
        }
        IReadOnlyList<UnusableDeployment> passedOver = unusable is null ? [] : unusable;
        if (usable.Count == 0) return RoutingDecision.NoneUsable(passedOver, now);

        if (bestOrder is { } tier) usable.RemoveAll(d => d.Order != tier);
        if (preferred is not null)
        {
            foreach (var d in usable)
            {
                if (string.Equals(d.Id, preferred, StringComparison.Ordinal)) return RoutingDecision.Picked(d, passedOver, preferred: true);
            }
        }
        var context = new RoutingContext(group.Name, _stats, _random, _time, streaming, _args);
        var picked = Strategy.Pick(usable, context)
            ?? throw new InvalidOperationException($"routing strategy '{Strategy.Name}' picked nothing from {usable.Count} candidates");
        return RoutingDecision.Picked(picked, passedOver);
    }

    private UnusableDeployment? Check(ModelDeployment d, DateTimeOffset now, IReadOnlySet<string> exclude)
    {
        if (!d.IsAvailable)
        {
            return new(d, UnusableReason.Unavailable, null, $"{Who(d)} is unavailable: {d.UnavailableReason}");
        }
        if (exclude.Contains(d.Id))
        {
            return new(d, UnusableReason.Excluded, null, $"{Who(d)} was already tried for this request");
        }
        var stats = _stats.Get(d.Id);
        if (stats.CoolingDownUntil is { } until && until > now)
        {
            return new(d, UnusableReason.CoolingDown, until, $"{Who(d)} is cooling down until {until.UtcDateTime:O}");
        }
        if (d.Rpm is { } rpm && stats.RpmUsed >= rpm)
        {
            return new(d, UnusableReason.AtLimit, MinuteWindow.End(now), $"{Who(d)} reached its rpm limit ({stats.RpmUsed}/{rpm}) for this minute");
        }
        if (d.Tpm is { } tpm && stats.TpmUsed >= tpm)
        {
            return new(d, UnusableReason.AtLimit, MinuteWindow.End(now), $"{Who(d)} reached its tpm limit ({stats.TpmUsed}/{tpm}) for this minute");
        }
        return null;
    }

    private static string Who(ModelDeployment d) => $"deployment '{d.Id}' ({d.ConfiguredModel})";
}
