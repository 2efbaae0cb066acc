using Bridge.Gateway.Configuration;

namespace Bridge.Gateway.Routing;

/// <summary><c>least-busy</c>: the candidate with the fewest requests in flight; ties are broken at random.</summary>
public sealed class LeastBusyStrategy : IRoutingStrategy
{
    public const string StrategyName = "least-busy";

    public string Name => StrategyName;

    public ModelDeployment? Pick(IReadOnlyList<ModelDeployment> candidates, RoutingContext context)
    {
        ModelDeployment? best = null;
        var bestInFlight = int.MaxValue;
        var ties = 0;
        foreach (var d in candidates)
        {
            var inFlight = context.Stats.Get(d.Id).InFlight;
            if (inFlight < bestInFlight)
            {
                (best, bestInFlight, ties) = (d, inFlight, 1);
            }
            else if (inFlight == bestInFlight && context.Random.Next(++ties) == 0)
            {
                best = d; // reservoir sampling: each of the tied candidates ends up chosen with probability 1/ties
            }
        }
        return best;
    }
}
