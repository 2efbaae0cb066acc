using Bridge.Gateway.Configuration;
using Bridge.Gateway.Routing;
using static Bridge.Tests.Routing.RoutingFixtures;

namespace Bridge.Tests.Routing;

public sealed class DeploymentRouterConfigTests
{
    [Fact]
    public void Ctor_UnknownStrategy_NamesTheSettingAndTheValidNames()
    {
        var ex = Assert.Throws<ConfigException>(() => Router("fastest-please", new FakeStatsSource(), new ManualTimeProvider(Noon)));

        Assert.Equal(
            "router_settings.routing_strategy: unknown strategy 'fastest-please'; expected one of simple-shuffle, least-busy, "
            + "latency-based-routing, usage-based-routing, usage-based-routing-v2, round-robin, power-of-two-choices",
            ex.Message);
    }

    [Fact]
    public void Ctor_NegativeLatencyBuffer_Throws()
    {
        var ex = Assert.Throws<ConfigException>(() => Router("latency-based-routing", new FakeStatsSource(), new ManualTimeProvider(Noon), buffer: -0.5));

        Assert.StartsWith("router_settings.routing_strategy_args.lowest_latency_buffer:", ex.Message);
    }

    [Theory]
    [InlineData("simple-shuffle", typeof(SimpleShuffleStrategy))]
    [InlineData("least-busy", typeof(LeastBusyStrategy))]
    [InlineData("latency-based-routing", typeof(LatencyBasedStrategy))]
    [InlineData("usage-based-routing", typeof(UsageBasedStrategy))]
    [InlineData("usage-based-routing-v2", typeof(UsageBasedStrategy))]
    [InlineData("round-robin", typeof(RoundRobinStrategy))]
    [InlineData("power-of-two-choices", typeof(PowerOfTwoChoicesStrategy))]
    public void Ctor_KnownStrategy_SelectsIt(string name, Type type)
    {
        var router = Router(name, new FakeStatsSource(), new ManualTimeProvider(Noon));

        Assert.IsType(type, router.Strategy);
        Assert.Equal(name, router.Strategy.Name);
    }

    [Fact]
    public void Ctor_DefaultSettings_IsSimpleShuffle()
    {
        var router = new DeploymentRouter(new RouterSettings(), new FakeStatsSource(), new ManualTimeProvider(Noon), new Random(Seed));

        Assert.IsType<SimpleShuffleStrategy>(router.Strategy);
    }

    [Fact]
    public void Names_EachCreatesAStrategyOfThatName()
    {
        foreach (var name in RoutingStrategies.Names) Assert.Equal(name, RoutingStrategies.Create(name)!.Name);
    }
}
