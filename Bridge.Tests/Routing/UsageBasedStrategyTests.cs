using Bridge.Gateway.Routing;
using static Bridge.Tests.Routing.RoutingFixtures;

namespace Bridge.Tests.Routing;

public sealed class UsageBasedStrategyTests
{
    private readonly UsageBasedStrategy _strategy = new(UsageBasedStrategy.StrategyName);

    [Fact]
    public void Pick_MostHeadroom_WinsRegardlessOfAbsoluteUsage()
    {
        // a: 50/100 rpm = 0.5; b: 2/10 rpm = 0.2; c: 900/1000 tpm = 0.9.
        var stats = new FakeStatsSource { ["a"] = new(RpmUsed: 50), ["b"] = new(RpmUsed: 2), ["c"] = new(TpmUsed: 900) };

        var counts = Count(100, _strategy, [Deployment("a", rpm: 100), Deployment("b", rpm: 10), Deployment("c", tpm: 1000)], Context(stats));

        Assert.Equal(100, counts["b"]);
    }

    [Fact]
    public void Pick_RatioIsTheTighterOfRpmAndTpm()
    {
        // a: rpm 0.1 but tpm 0.8 -> 0.8; b: rpm 0.6, tpm 0.1 -> 0.6.
        var stats = new FakeStatsSource { ["a"] = new(RpmUsed: 10, TpmUsed: 800), ["b"] = new(RpmUsed: 60, TpmUsed: 100) };

        var counts = Count(100, _strategy, [Deployment("a", rpm: 100, tpm: 1000), Deployment("b", rpm: 100, tpm: 1000)], Context(stats));

        Assert.Equal(100, counts["b"]);
    }

    [Fact]
    public void Pick_NoLimits_RatioZeroBeatsAnyUse()
    {
        var stats = new FakeStatsSource { ["a"] = new(RpmUsed: 1), ["b"] = new(RpmUsed: 500, TpmUsed: 90_000) };

        var counts = Count(100, _strategy, [Deployment("a", rpm: 1000), Deployment("b")], Context(stats));

        Assert.Equal(100, counts["b"]);
    }

    [Fact]
    public void Pick_SameRatio_FewerTokensWins()
    {
        var stats = new FakeStatsSource { ["a"] = new(TpmUsed: 5_000), ["b"] = new(TpmUsed: 3_000), ["c"] = new(TpmUsed: 4_000) };

        var counts = Count(100, _strategy, [Deployment("a"), Deployment("b"), Deployment("c")], Context(stats));

        Assert.Equal(100, counts["b"]);
    }

    [Fact]
    public void Pick_CompleteTie_SpreadsEvenly()
    {
        var counts = Count(10_000, _strategy, [Deployment("a"), Deployment("b")], Context());

        AssertShare(counts, "a", 0.5);
    }

    [Theory]
    [InlineData(null, null, 7, 700L, 0.0)]
    [InlineData(100, null, 25, 0L, 0.25)]
    [InlineData(null, 1000, 0, 400L, 0.4)]
    [InlineData(100, 1000, 30, 200L, 0.3)]
    [InlineData(100, 1000, 10, 900L, 0.9)]
    public void UsageRatio_IsMaxOfTheSetLimits(int? rpm, int? tpm, int rpmUsed, long tpmUsed, double expected)
    {
        var ratio = UsageBasedStrategy.UsageRatio(Deployment("a", rpm: rpm, tpm: tpm), new(RpmUsed: rpmUsed, TpmUsed: tpmUsed));

        Assert.Equal(expected, ratio, 9);
    }
}
