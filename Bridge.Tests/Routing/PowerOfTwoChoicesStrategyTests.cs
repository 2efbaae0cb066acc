using Bridge.Gateway.Routing;
using static Bridge.Tests.Routing.RoutingFixtures;

namespace Bridge.Tests.Routing;

public sealed class PowerOfTwoChoicesStrategyTests
{
    private readonly PowerOfTwoChoicesStrategy _strategy = new();

    [Fact]
    public void Pick_TwoCandidates_AlwaysTheLessBusy()
    {
        var stats = new FakeStatsSource { ["a"] = new(InFlight: 4), ["b"] = new(InFlight: 3) };

        var counts = Count(1_000, _strategy, [Deployment("a"), Deployment("b")], Context(stats));

        Assert.Equal(1_000, counts["b"]);
    }

    [Fact]
    public void Pick_ThreeCandidates_BusiestNeverWinsAndIdlestWinsTwoThirds()
    {
        // Each of the three pairs is drawn a third of the time: {a,b} -> a, {a,c} -> a, {b,c} -> b.
        var stats = new FakeStatsSource { ["a"] = new(InFlight: 0), ["b"] = new(InFlight: 5), ["c"] = new(InFlight: 10) };

        var counts = Count(10_000, _strategy, [Deployment("a"), Deployment("b"), Deployment("c")], Context(stats));

        AssertShare(counts, "a", 2 / 3.0);
        AssertShare(counts, "b", 1 / 3.0);
        Assert.False(counts.ContainsKey("c"));
    }

    [Fact]
    public void Pick_Tie_SpreadsEvenly()
    {
        var counts = Count(10_000, _strategy, [Deployment("a"), Deployment("b")], Context());

        AssertShare(counts, "a", 0.5);
    }

    [Fact]
    public void Pick_OneCandidate_ReturnsIt()
    {
        var only = Deployment("a");

        Assert.Same(only, _strategy.Pick([only], Context()));
    }
}
