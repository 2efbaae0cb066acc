using Bridge.Gateway.Routing;
using static Bridge.Tests.Routing.RoutingFixtures;

namespace Bridge.Tests.Routing;

public sealed class LatencyBasedStrategyTests
{
    private readonly LatencyBasedStrategy _strategy = new();

    [Fact]
    public void Pick_OthersOutsideBuffer_AlwaysTheFastest()
    {
        // 111 ms is just outside 100 x 1.1.
        var stats = new FakeStatsSource { ["a"] = new(LatencyEwmaMs: 111), ["b"] = new(LatencyEwmaMs: 100), ["c"] = new(LatencyEwmaMs: 300) };

        var counts = Count(1_000, _strategy, [Deployment("a"), Deployment("b"), Deployment("c")], Context(stats, buffer: 0.1));

        Assert.Equal(1_000, counts["b"]);
    }

    [Fact]
    public void Pick_WithinBuffer_SpreadsEvenly()
    {
        var stats = new FakeStatsSource { ["a"] = new(LatencyEwmaMs: 100), ["b"] = new(LatencyEwmaMs: 105), ["c"] = new(LatencyEwmaMs: 200) };

        var counts = Count(10_000, _strategy, [Deployment("a"), Deployment("b"), Deployment("c")], Context(stats, buffer: 0.1));

        AssertShare(counts, "a", 0.5);
        AssertShare(counts, "b", 0.5);
        Assert.False(counts.ContainsKey("c"));
    }

    [Fact]
    public void Pick_BufferZero_OnlyTheFastest()
    {
        var stats = new FakeStatsSource { ["a"] = new(LatencyEwmaMs: 105), ["b"] = new(LatencyEwmaMs: 100) };

        var counts = Count(1_000, _strategy, [Deployment("a"), Deployment("b")], Context(stats, buffer: 0));

        Assert.Equal(1_000, counts["b"]);
    }

    [Fact]
    public void Pick_Streaming_ComparesTimeToFirstToken()
    {
        var stats = new FakeStatsSource
        {
            ["a"] = new(LatencyEwmaMs: 100, TtftEwmaMs: 900),
            ["b"] = new(LatencyEwmaMs: 500, TtftEwmaMs: 200),
        };
        var candidates = new[] { Deployment("a"), Deployment("b") };

        var streamed = Count(1_000, _strategy, candidates, Context(stats, streaming: true));
        var whole = Count(1_000, _strategy, candidates, Context(stats, streaming: false));

        Assert.Equal(1_000, streamed["b"]);
        Assert.Equal(1_000, whole["a"]);
    }

    [Fact]
    public void Pick_Unmeasured_IsExploredFirst()
    {
        var stats = new FakeStatsSource { ["a"] = new(LatencyEwmaMs: 1) };

        var counts = Count(1_000, _strategy, [Deployment("a"), Deployment("b")], Context(stats));

        Assert.Equal(1_000, counts["b"]);
    }

    [Fact]
    public void Pick_SeveralUnmeasured_SpreadsAmongThem()
    {
        var stats = new FakeStatsSource { ["a"] = new(LatencyEwmaMs: 1) };

        var counts = Count(10_000, _strategy, [Deployment("a"), Deployment("b"), Deployment("c")], Context(stats));

        AssertShare(counts, "b", 0.5);
        AssertShare(counts, "c", 0.5);
    }

    [Fact]
    public void Pick_StreamingWithoutTtftSample_CountsAsUnmeasured()
    {
        // b has only served non-streamed requests: its whole-response latency says nothing about its first token.
        var stats = new FakeStatsSource { ["a"] = new(LatencyEwmaMs: 900, TtftEwmaMs: 50), ["b"] = new(LatencyEwmaMs: 100) };

        var counts = Count(1_000, _strategy, [Deployment("a"), Deployment("b")], Context(stats, streaming: true));

        Assert.Equal(1_000, counts["b"]);
    }

    [Fact]
    public void Pick_NoCandidates_ReturnsNull() => Assert.Null(_strategy.Pick([], Context()));
}
