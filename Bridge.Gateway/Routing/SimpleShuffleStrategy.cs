using Bridge.Gateway.Configuration;

namespace Bridge.Gateway.Routing;

/// <summary>
/// <c>simple-shuffle</c> (the default): a weighted random pick. The weights are the first of <c>weight</c>,
/// <c>rpm</c>, <c>tpm</c> that any candidate sets to a positive value; a candidate without that field then weighs 0
/// (as in LiteLLM). When none is set the pick is uniform.
/// </summary>
public sealed class SimpleShuffleStrategy : IRoutingStrategy
{
    public const string StrategyName = "simple-shuffle";

    private static readonly Func<ModelDeployment, double>[] WeightSources =
    [
        d => d.Weight ?? 0,
        d => d.Rpm ?? 0,
        d => d.Tpm ?? 0,
    ];

    public string Name => StrategyName;

    public ModelDeployment? Pick(IReadOnlyList<ModelDeployment> candidates, RoutingContext context)
    {
        if (candidates.Count == 0) return null;
        foreach (var weightOf in WeightSources)
        {
            var total = 0.0;
            foreach (var d in candidates) total += Positive(weightOf(d));
            if (total > 0) return Weighted(candidates, weightOf, total, context.Random);
        }
        return candidates[context.Random.Next(candidates.Count)];
    }

    private static ModelDeployment Weighted(IReadOnlyList<ModelDeployment> candidates, Func<ModelDeployment, double> weightOf, double total, Random random)
    {
        var target = random.NextDouble() * total;
        ModelDeployment? last = null;
        foreach (var d in candidates)
        {
            var w = Positive(weightOf(d));
            if (w == 0) continue;
            last = d;
            if (target < w) return d;
            target -= w;
        }
        return last!; // rounding left a sliver past the end: the last weighted candidate owns it
    }

    private static double Positive(double w) => double.IsFinite(w) && w > 0 ? w : 0;
}
