using Bridge.Gateway.Routing;
using static Bridge.Tests.Routing.RoutingFixtures;

namespace Bridge.Tests.Routing;

/// <summary><c>order</c>: 1 is the highest priority; a lower tier serves only when the whole tier above is unusable.</summary>
public sealed class DeploymentRouterTierTests
{
    private readonly FakeStatsSource _stats = new();
    private readonly ManualTimeProvider _clock = new(Noon);

    [Fact]
    public void Pick_OrderOneUsable_UsesOnlyOrderOne()
    {
        var group = Group(Deployment("a", order: 1), Deployment("b", order: 1), Deployment("c", order: 2), Deployment("d"));

        var counts = Count(1_000, Router("simple-shuffle", _stats, _clock), group);

        Assert.Equal(["a", "b"], counts.Keys.Order());
        AssertShare(counts, "a", 0.5, tolerance: 0.05);
    }

    [Fact]
    public void Pick_OrderOneAllUnusable_FallsToOrderTwo()
    {
        // Every tier-1 deployment is out for a different reason.
        _stats["cooling"] = new(CoolingDownUntil: Noon.AddSeconds(30));
        _stats["limited"] = new(RpmUsed: 10);
        var group = Group(
            Deployment("cooling", order: 1),
            Deployment("limited", order: 1, rpm: 10),
            Deployment("no-key", order: 1, unavailable: "environment variable KEY is not set"),
            Deployment("tried", order: 1),
            Deployment("second", order: 2),
            Deployment("unordered"));

        var counts = Count(200, Router("simple-shuffle", _stats, _clock), group, exclude: new HashSet<string> { "tried" });

        Assert.Equal(200, counts["second"]);
    }

    [Fact]
    public void Pick_OneOrderOneStillUsable_KeepsTheTier()
    {
        _stats["a"] = new(CoolingDownUntil: Noon.AddSeconds(30));
        var group = Group(Deployment("a", order: 1), Deployment("b", order: 1), Deployment("c", order: 2));

        var counts = Count(200, Router("simple-shuffle", _stats, _clock), group);

        Assert.Equal(200, counts["b"]);
    }

    [Fact]
    public void Pick_NoOrder_RanksAfterEveryExplicitOrder()
    {
        var group = Group(Deployment("unordered"), Deployment("low", order: 7));

        var counts = Count(200, Router("simple-shuffle", _stats, _clock), group);

        Assert.Equal(200, counts["low"]);
    }

    [Fact]
    public void Pick_AllOrderedUnusable_FallsToUnordered()
    {
        var group = Group(Deployment("unordered"), Deployment("low", order: 7));

        var counts = Count(200, Router("simple-shuffle", _stats, _clock), group, exclude: new HashSet<string> { "low" });

        Assert.Equal(200, counts["unordered"]);
    }

    [Fact]
    public void Pick_TierCooldownEnds_TierServesAgain()
    {
        _stats["first"] = new(CoolingDownUntil: Noon.AddSeconds(5));
        var group = Group(Deployment("first", order: 1), Deployment("second", order: 2));
        var router = Router("simple-shuffle", _stats, _clock);

        Assert.Equal("second", router.Pick(group, false, new HashSet<string>()).Deployment!.Id);
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("first", router.Pick(group, false, new HashSet<string>()).Deployment!.Id);
    }
}
