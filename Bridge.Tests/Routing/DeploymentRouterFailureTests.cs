using Bridge.Gateway.Configuration;
using Bridge.Gateway.Routing;
using static Bridge.Tests.Routing.RoutingFixtures;

namespace Bridge.Tests.Routing;

/// <summary>What the router says when no deployment of the group can serve.</summary>
public sealed class DeploymentRouterFailureTests
{
    private readonly FakeStatsSource _stats = new();
    private readonly ManualTimeProvider _clock = new(Noon);
    private static readonly IReadOnlySet<string> NoExclusions = new HashSet<string>();

    private RoutingDecision Pick(params ModelDeployment[] deployments) =>
        Router("simple-shuffle", _stats, _clock).Pick(Group(deployments), false, NoExclusions);

    [Fact]
    public void Pick_AllCoolingDown_ReportsTheEarliestEnd()
    {
        _stats["a"] = new(CoolingDownUntil: Noon.AddSeconds(40));
        _stats["b"] = new(CoolingDownUntil: Noon.AddSeconds(10));
        _stats["c"] = new(CoolingDownUntil: Noon.AddSeconds(25));

        var decision = Pick(Deployment("a"), Deployment("b"), Deployment("c"));

        Assert.False(decision.Succeeded);
        Assert.Equal(UnusableReason.CoolingDown, decision.Failure);
        Assert.Equal(Noon.AddSeconds(10), decision.RetryAt);
        Assert.Equal(TimeSpan.FromSeconds(10), decision.RetryAfter);
        Assert.Equal(3, decision.Unusable.Count);
    }

    [Fact]
    public void Pick_AllAtLimit_ReportsTheMinuteWindowEnd()
    {
        _stats["a"] = new(RpmUsed: 5);
        _stats["b"] = new(TpmUsed: 2_000);

        var decision = Pick(Deployment("a", rpm: 5), Deployment("b", tpm: 1_000));

        Assert.Equal(UnusableReason.AtLimit, decision.Failure);
        Assert.Equal(new DateTimeOffset(2025, 6, 1, 12, 1, 0, TimeSpan.Zero), decision.RetryAt);
        Assert.Equal(TimeSpan.FromSeconds(44.5), decision.RetryAfter);
        Assert.Equal(
            "deployment 'a' (openai/a) reached its rpm limit (5/5) for this minute; deployment 'b' (openai/b) reached its tpm limit (2000/1000) for this minute",
            decision.Message);
    }

    [Fact]
    public void Pick_CoolingAndAtLimit_ReportsWhicheverComesBackFirst()
    {
        _stats["a"] = new(RpmUsed: 5);
        _stats["b"] = new(CoolingDownUntil: Noon.AddSeconds(90));

        var late = Pick(Deployment("a", rpm: 5), Deployment("b"));
        _stats["b"] = new(CoolingDownUntil: Noon.AddSeconds(5));
        var early = Pick(Deployment("a", rpm: 5), Deployment("b"));

        Assert.Equal((UnusableReason.AtLimit, TimeSpan.FromSeconds(44.5)), (late.Failure!.Value, late.RetryAfter!.Value));
        Assert.Equal((UnusableReason.CoolingDown, TimeSpan.FromSeconds(5)), (early.Failure!.Value, early.RetryAfter!.Value));
    }

    [Fact]
    public void Pick_AllUnavailable_ListsEveryReason()
    {
        var decision = Pick(
            Deployment("a", unavailable: "environment variable A_KEY is not set"),
            Deployment("b", unavailable: "environment variable B_KEY is not set"));

        Assert.Equal(UnusableReason.Unavailable, decision.Failure);
        Assert.Null(decision.RetryAt);
        Assert.Null(decision.RetryAfter);
        Assert.Equal(
            "deployment 'a' (openai/a) is unavailable: environment variable A_KEY is not set; deployment 'b' (openai/b) is unavailable: environment variable B_KEY is not set",
            decision.Message);
    }

    [Fact]
    public void Pick_AllExcluded_SaysSo()
    {
        var decision = Router("simple-shuffle", _stats, _clock).Pick(Group(Deployment("a"), Deployment("b")), false, new HashSet<string> { "a", "b" });

        Assert.Equal(UnusableReason.Excluded, decision.Failure);
        Assert.Null(decision.RetryAt);
        Assert.Equal("deployment 'a' (openai/a) was already tried for this request; deployment 'b' (openai/b) was already tried for this request", decision.Message);
    }

    [Fact]
    public void Pick_ExcludedAndUnavailable_IsExcluded()
    {
        var decision = Router("simple-shuffle", _stats, _clock)
            .Pick(Group(Deployment("a"), Deployment("b", unavailable: "no key")), false, new HashSet<string> { "a" });

        Assert.Equal(UnusableReason.Excluded, decision.Failure);
    }

    [Fact]
    public void Pick_ExcludedAndCoolingDown_IsCoolingDownWithRetry()
    {
        _stats["b"] = new(CoolingDownUntil: Noon.AddSeconds(7));

        var decision = Router("simple-shuffle", _stats, _clock).Pick(Group(Deployment("a"), Deployment("b")), false, new HashSet<string> { "a" });

        Assert.Equal((UnusableReason.CoolingDown, TimeSpan.FromSeconds(7)), (decision.Failure!.Value, decision.RetryAfter!.Value));
    }

    [Fact]
    public void Pick_UnavailableAndCoolingDown_IsCoolingDown()
    {
        _stats["b"] = new(CoolingDownUntil: Noon.AddSeconds(7));

        var decision = Pick(Deployment("a", unavailable: "no key"), Deployment("b"));

        Assert.Equal(UnusableReason.CoolingDown, decision.Failure);
        Assert.Equal(Noon.AddSeconds(7), decision.RetryAt);
    }

    [Fact]
    public void Pick_EmptyGroup_IsUnavailable()
    {
        var decision = Pick();

        Assert.Equal(UnusableReason.Unavailable, decision.Failure);
        Assert.Equal("the model group has no deployments", decision.Message);
    }
}
