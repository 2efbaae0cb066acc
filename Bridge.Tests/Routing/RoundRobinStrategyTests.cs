using Bridge.Gateway.Configuration;
using Bridge.Gateway.Routing;
using static Bridge.Tests.Routing.RoutingFixtures;

namespace Bridge.Tests.Routing;

public sealed class RoundRobinStrategyTests
{
    private readonly RoundRobinStrategy _strategy = new();
    private readonly ModelDeployment[] _candidates = [Deployment("a"), Deployment("b"), Deployment("c")];

    [Fact]
    public void Pick_CyclesThroughCandidatesInOrder()
    {
        var context = Context();

        var picked = Enumerable.Range(0, 7).Select(_ => _strategy.Pick(_candidates, context)!.Id);

        Assert.Equal(["a", "b", "c", "a", "b", "c", "a"], picked);
    }

    [Fact]
    public void Pick_ManyPicks_ExactlyEven()
    {
        var counts = Count(3_000, _strategy, _candidates, Context());

        Assert.Equal(1_000, counts["a"]);
        Assert.Equal(1_000, counts["b"]);
        Assert.Equal(1_000, counts["c"]);
    }

    [Fact]
    public void Pick_EachGroupHasItsOwnCounter()
    {
        var x = Context(group: "x");
        var y = Context(group: "y");

        Assert.Equal("a", _strategy.Pick(_candidates, x)!.Id);
        Assert.Equal("b", _strategy.Pick(_candidates, x)!.Id);
        Assert.Equal("a", _strategy.Pick(_candidates, y)!.Id);
        Assert.Equal("c", _strategy.Pick(_candidates, x)!.Id);
    }

    [Fact]
    public async Task Pick_Concurrent_StaysExactlyEven()
    {
        var perTask = 3_000;
        var counts = new int[3];
        var context = Context();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < perTask; i++)
            {
                var id = _strategy.Pick(_candidates, context)!.Id;
                Interlocked.Increment(ref counts[id[0] - 'a']);
            }
        })));

        Assert.Equal([4_000, 4_000, 4_000], counts);
    }
}
