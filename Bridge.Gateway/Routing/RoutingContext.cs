namespace Bridge.Gateway.Routing;

/// <summary>Everything a policy may consult for one pick.</summary>
/// <param name="GroupName">The model group being routed (keys per-group state such as the round-robin counter).</param>
/// <param name="Stats">Per-deployment snapshots.</param>
/// <param name="Random">The only source of randomness a policy may use.</param>
/// <param name="Time">The only clock a policy may use.</param>
/// <param name="IsStreaming">Whether the request streams (latency routing then compares time to first token).</param>
/// <param name="Args">The tunables from <c>router_settings.routing_strategy_args</c>.</param>
public sealed record RoutingContext(
    string GroupName,
    IDeploymentStatsSource Stats,
    Random Random,
    TimeProvider Time,
    bool IsStreaming,
    RoutingStrategyArgs Args);
