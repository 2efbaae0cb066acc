namespace Bridge.Gateway.Routing;

/// <summary>The names <c>router_settings.routing_strategy</c> accepts, and the policy each one selects.</summary>
public static class RoutingStrategies
{
    /// <summary>Every accepted name, in the order they are listed to users.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        SimpleShuffleStrategy.StrategyName,
        LeastBusyStrategy.StrategyName,
        LatencyBasedStrategy.StrategyName,
        UsageBasedStrategy.StrategyName,
        UsageBasedStrategy.StrategyNameV2,
        RoundRobinStrategy.StrategyName,
        PowerOfTwoChoicesStrategy.StrategyName,
    ];

    /// <summary>A new policy for <paramref name="name"/> (exact, case-sensitive, as LiteLLM), or null when unknown.</summary>
    public static IRoutingStrategy? Create(string name) => name switch
    {
        SimpleShuffleStrategy.StrategyName => new SimpleShuffleStrategy(),
        LeastBusyStrategy.StrategyName => new LeastBusyStrategy(),
        LatencyBasedStrategy.StrategyName => new LatencyBasedStrategy(),
        UsageBasedStrategy.StrategyName or UsageBasedStrategy.StrategyNameV2 => new UsageBasedStrategy(name),
        RoundRobinStrategy.StrategyName => new RoundRobinStrategy(),
        PowerOfTwoChoicesStrategy.StrategyName => new PowerOfTwoChoicesStrategy(),
        _ => null,
    };
}
