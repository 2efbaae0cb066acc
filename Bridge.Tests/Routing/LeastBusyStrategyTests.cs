using Bridge.Gateway.Routing;
using static Bridge.Tests.Routing.RoutingFixtures;

namespace Bridge.Tests.Routing;

public sealed class LeastBusyStrategyTests
{
    private readonly LeastBusyStrategy _strategy = new();

    [Fact]
    public void Pick_ReturnsFewestInFlight()
    {
        var stats = new FakeStatsSource { ["a"] = new(InFlight: 5), ["b"] = new(InFlight: 2), ["c"] = new(InFlight: 7) };

        var counts = Count(100, _strategy, [Deployment("a"), Deployment("b"), Deployment("c")], Context(stats));

        Assert.Equal(100, counts["b"]);
    }

    [Fact]
    public void Pick_Tie_SpreadsEvenlyAmongTheTied()
    {
        var stats = new FakeStatsSource { ["a"] = new(InFlight: 1), ["b"] = new(InFlight: 3), ["c"] = new(InFlight: 1) };

        var counts = Count(10_000, _strategy, [Deployment("a"), Deployment("b"), Deployment("c")], Context(stats));

        AssertShare(counts, "a", 0.5);
        AssertShare(counts, "c", 0.5);
        Assert.False(counts.ContainsKey("b"));
    }

    [Fact]
    public void Pick_NoCandidates_ReturnsNull() => Assert.Null(_strategy.Pick([], Context()));
}
