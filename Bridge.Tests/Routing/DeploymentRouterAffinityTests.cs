using Bridge.Gateway.Configuration;
using Bridge.Gateway.Routing;
using static Bridge.Tests.Routing.RoutingFixtures;

namespace Bridge.Tests.Routing;

/// <summary>The preferred deployment (a session's pin) wins while usable and in the best tier; otherwise the strategy picks.</summary>
public sealed class DeploymentRouterAffinityTests
{
    private readonly FakeStatsSource _stats = new();
    private readonly ManualTimeProvider _clock = new(Noon);
    private static readonly HashSet<string> None = [];

    [Fact]
    public void Preferred_Usable_IsAlwaysPicked()
    {
        var router = Router("simple-shuffle", _stats, _clock);
        var group = Group(Deployment("a"), Deployment("b"), Deployment("c"));
        for (var i = 0; i < 100; i++)
        {
            var decision = router.Pick(group, false, None, "b");
            Assert.Equal("b", decision.Deployment!.Id);
            Assert.True(decision.Preferred);
        }
    }

    [Fact]
    public void Preferred_CoolingDown_AtLimit_Excluded_Unavailable_OrInALowerTier_TheStrategyPicks()
    {
        _stats["cooling"] = new(CoolingDownUntil: Noon.AddSeconds(30));
        _stats["limited"] = new(RpmUsed: 10);
        var router = Router("simple-shuffle", _stats, _clock);
        var group = Group(Deployment("cooling", order: 1), Deployment("limited", order: 1, rpm: 10), Deployment("tried", order: 1),
            Deployment("no-key", order: 1, unavailable: "KEY is not set"), Deployment("other", order: 1), Deployment("lower", order: 2));
        foreach (var preferred in new[] { "cooling", "limited", "tried", "no-key", "lower", "gone" })
        {
            var decision = router.Pick(group, false, new HashSet<string> { "tried" }, preferred);
            Assert.Equal("other", decision.Deployment!.Id);
            Assert.False(decision.Preferred);
        }
    }
}
