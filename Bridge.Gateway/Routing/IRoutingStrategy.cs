using Bridge.Gateway.Configuration;

namespace Bridge.Gateway.Routing;

/// <summary>
/// A load-balancing policy: chooses one of the candidates the router already found usable (available, not excluded,
/// not cooling down, under its limits, in the best priority tier). Policies are pure apart from the randomness,
/// clock and statistics handed to them in the <see cref="RoutingContext"/>.
/// </summary>
public interface IRoutingStrategy
{
    /// <summary>The <c>router_settings.routing_strategy</c> value that selects this policy.</summary>
    string Name { get; }

    /// <summary>One of <paramref name="candidates"/>, or null only when the list is empty.</summary>
    ModelDeployment? Pick(IReadOnlyList<ModelDeployment> candidates, RoutingContext context);
}
