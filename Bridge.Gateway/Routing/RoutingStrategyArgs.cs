namespace Bridge.Gateway.Routing;

/// <summary>Tunables of the routing policies (LiteLLM's <c>router_settings.routing_strategy_args</c>).</summary>
public sealed record RoutingStrategyArgs
{
    /// <summary>The defaults: <see cref="LowestLatencyBuffer"/> = 0.1.</summary>
    public static RoutingStrategyArgs Default { get; } = new();

    /// <summary>
    /// <c>lowest_latency_buffer</c>: every deployment whose latency is within <c>(1 + buffer) x</c> the best one is an
    /// equal candidate. LiteLLM defaults to 0 (always the single fastest); Bridge defaults to 0.1 so that one
    /// marginally faster deployment does not take all the traffic and then slow down under it.
    /// </summary>
    public double LowestLatencyBuffer { get; init; } = 0.1;
}
