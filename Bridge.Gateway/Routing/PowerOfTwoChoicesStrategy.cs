using Bridge.Gateway.Configuration;

namespace Bridge.Gateway.Routing;

/// <summary>
/// <c>power-of-two-choices</c>: two distinct candidates drawn at random, the one with fewer requests in flight wins
/// (the first drawn on a tie). Nearly as good as least-busy, without herding onto one idle deployment.
/// </summary>
public sealed class PowerOfTwoChoicesStrategy : IRoutingStrategy
{
    public const string StrategyName = "power-of-two-choices";

    public string Name => StrategyName;

    public ModelDeployment? Pick(IReadOnlyList<ModelDeployment> candidates, RoutingContext context)
    {
        switch (candidates.Count)
        {
            case 0: return null;
            case 1: return candidates[0];
        }
        var first = context.Random.Next(candidates.Count);
        var second = context.Random.Next(candidates.Count - 1);
        if (second >= first) second++;
        var a = candidates[first];
        var b = candidates[second];
        return context.Stats.Get(b.Id).InFlight < context.Stats.Get(a.Id).InFlight ? b : a;
    }
}
