using Bridge.Gateway.Routing;
using static Bridge.Tests.Routing.RoutingFixtures;

namespace Bridge.Tests.Routing;

/// <summary>Which deployments the router hands to the strategy.</summary>
public sealed class DeploymentRouterFilterTests
{
    private readonly FakeStatsSource _stats = new();
    private readonly ManualTimeProvider _clock = new(Noon);

    [Fact]
    public void Pick_CoolingDown_SkippedUntilTheCooldownEnds()
    {
        _stats["a"] = new(CoolingDownUntil: Noon.AddSeconds(30));
        var group = Group(Deployment("a"), Deployment("b"));
        var router = Router("simple-shuffle", _stats, _clock);

        Assert.Equal(500, Count(500, router, group)["b"]);

        _clock.Advance(TimeSpan.FromSeconds(29.999));
        Assert.Equal(500, Count(500, router, group)["b"]);

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        AssertShare(Count(10_000, router, group), "a", 0.5);
    }

    [Fact]
    public void Pick_AtRpmLimit_Skipped()
    {
        _stats["a"] = new(RpmUsed: 60);
        _stats["b"] = new(RpmUsed: 59);

        var counts = Count(200, Router("simple-shuffle", _stats, _clock), Group(Deployment("a", rpm: 60), Deployment("b", rpm: 60)));

        Assert.Equal(200, counts["b"]);
    }

    [Fact]
    public void Pick_AtTpmLimit_Skipped()
    {
        _stats["a"] = new(TpmUsed: 10_000);
        _stats["b"] = new(TpmUsed: 9_999);

        var counts = Count(200, Router("simple-shuffle", _stats, _clock), Group(Deployment("a", tpm: 10_000), Deployment("b", tpm: 10_000)));

        Assert.Equal(200, counts["b"]);
    }

    [Fact]
    public void Pick_Excluded_Skipped()
    {
        var counts = Count(500, Router("simple-shuffle", _stats, _clock), Group(Deployment("a"), Deployment("b"), Deployment("c")),
            exclude: new HashSet<string> { "a", "c" });

        Assert.Equal(500, counts["b"]);
    }

    [Fact]
    public void Pick_Unavailable_Skipped()
    {
        var counts = Count(200, Router("simple-shuffle", _stats, _clock), Group(Deployment("a", unavailable: "environment variable A_KEY is not set"), Deployment("b")));

        Assert.Equal(200, counts["b"]);
    }

    [Fact]
    public void Pick_Success_ReportsWhatWasPassedOver()
    {
        _stats["a"] = new(CoolingDownUntil: Noon.AddSeconds(3));

        var decision = Router("simple-shuffle", _stats, _clock).Pick(Group(Deployment("a"), Deployment("b")), false, new HashSet<string>());

        Assert.True(decision.Succeeded);
        Assert.Equal("b", decision.Deployment.Id);
        var passed = Assert.Single(decision.Unusable);
        Assert.Equal(("a", UnusableReason.CoolingDown, Noon.AddSeconds(3)), (passed.Deployment.Id, passed.Reason, passed.Until!.Value));
        Assert.Null(decision.Failure);
    }

    [Fact]
    public void Pick_PassesStreamingToTheStrategy()
    {
        _stats["a"] = new(LatencyEwmaMs: 100, TtftEwmaMs: 900);
        _stats["b"] = new(LatencyEwmaMs: 500, TtftEwmaMs: 200);
        var router = Router("latency-based-routing", _stats, _clock);
        var group = Group(Deployment("a"), Deployment("b"));

        Assert.Equal(100, Count(100, router, group, streaming: true)["b"]);
        Assert.Equal(100, Count(100, router, group, streaming: false)["a"]);
    }

    [Fact]
    public void Pick_UsageBasedV2_PicksMostHeadroomAmongUsable()
    {
        _stats["full"] = new(RpmUsed: 10);
        _stats["busy"] = new(RpmUsed: 8);
        _stats["calm"] = new(RpmUsed: 30);
        var group = Group(Deployment("full", rpm: 10), Deployment("busy", rpm: 10), Deployment("calm", rpm: 100));

        var counts = Count(100, Router("usage-based-routing-v2", _stats, _clock), group);

        Assert.Equal(100, counts["calm"]);
    }
}
