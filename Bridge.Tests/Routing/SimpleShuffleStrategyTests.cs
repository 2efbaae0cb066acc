using Bridge.Gateway.Routing;
using static Bridge.Tests.Routing.RoutingFixtures;

namespace Bridge.Tests.Routing;

public sealed class SimpleShuffleStrategyTests
{
    private readonly SimpleShuffleStrategy _strategy = new();

    [Fact]
    public void Pick_Weights1To3_SplitsAQuarterToThreeQuarters()
    {
        var counts = Count(10_000, _strategy, [Deployment("a", weight: 1), Deployment("b", weight: 3)], Context());

        AssertShare(counts, "a", 0.25);
        AssertShare(counts, "b", 0.75);
    }

    [Fact]
    public void Pick_WeightsSet_IgnoresRpm()
    {
        var counts = Count(10_000, _strategy, [Deployment("a", weight: 1, rpm: 100), Deployment("b", weight: 1, rpm: 900)], Context());

        AssertShare(counts, "a", 0.5);
    }

    [Fact]
    public void Pick_NoWeights_SplitsByRpm()
    {
        var counts = Count(10_000, _strategy, [Deployment("a", rpm: 100, tpm: 9000), Deployment("b", rpm: 400, tpm: 1000)], Context());

        AssertShare(counts, "a", 0.20);
        AssertShare(counts, "b", 0.80);
    }

    [Fact]
    public void Pick_NoWeightsNoRpm_SplitsByTpm()
    {
        var counts = Count(10_000, _strategy, [Deployment("a", tpm: 1000), Deployment("b", tpm: 1000), Deployment("c", tpm: 2000)], Context());

        AssertShare(counts, "a", 0.25);
        AssertShare(counts, "b", 0.25);
        AssertShare(counts, "c", 0.50);
    }

    [Fact]
    public void Pick_NothingSet_IsUniform()
    {
        var counts = Count(10_000, _strategy, [Deployment("a"), Deployment("b"), Deployment("c")], Context());

        AssertShare(counts, "a", 1 / 3.0);
        AssertShare(counts, "b", 1 / 3.0);
        AssertShare(counts, "c", 1 / 3.0);
    }

    [Fact]
    public void Pick_SomeWeighted_UnweightedGetsNothing()
    {
        // LiteLLM's simple_shuffle: once any deployment sets `weight`, a deployment without it weighs 0.
        var counts = Count(1_000, _strategy, [Deployment("a", weight: 1), Deployment("b")], Context());

        Assert.Equal(1_000, counts["a"]);
        Assert.False(counts.ContainsKey("b"));
    }

    [Fact]
    public void Pick_NoCandidates_ReturnsNull() => Assert.Null(_strategy.Pick([], Context()));
}
