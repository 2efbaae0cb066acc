using Bridge.Admin.Live;
using Bridge.Gateway.State;

namespace Bridge.Tests.Admin;

/// <summary>The overview's sums over the recent-requests list: rates, error rate, percentiles and the chart slices.</summary>
public sealed class LiveStatsCalculatorTests
{
    private static readonly DateTimeOffset Now = new(2030, 5, 1, 12, 0, 5, TimeSpan.Zero);

    [Fact]
    public void Percentile_IsNearestRank()
    {
        var hundred = Enumerable.Range(1, 100).Select(i => (double)i).ToList();
        Assert.Equal(50, Percentile.Of(hundred, 0.50));
        Assert.Equal(95, Percentile.Of(hundred, 0.95));
        Assert.Equal(100, Percentile.Of(hundred, 1));
        Assert.Equal(1, Percentile.Of(hundred, 0));
        // Few samples: a value some request really had, the higher one for p95.
        Assert.Equal(20, Percentile.Of([10, 20, 30, 40], 0.50));
        Assert.Equal(40, Percentile.Of([10, 20, 30, 40], 0.95));
        Assert.Equal(7, Percentile.Of([7], 0.95));
        Assert.Null(Percentile.Of([], 0.5));
    }

    [Fact]
    public void Rates_ErrorsAndPercentiles_CoverTheirWindows()
    {
        var recent = new List<RequestLogEntry>();
        // 30 requests in the last minute, one every 2 s, latencies 10..300 ms; every tenth failed.
        for (var i = 0; i < 30; i++) recent.Add(Entry(Now.AddSeconds(-2 * i), latency: 10 * (i + 1), status: i % 10 == 0 ? 502 : 200));
        // 10 more four minutes ago: in the 5-minute window, not in the last minute.
        for (var i = 0; i < 10; i++) recent.Add(Entry(Now.AddMinutes(-4), latency: 1000));
        // Older than the window: ignored.
        recent.Add(Entry(Now.AddMinutes(-6), latency: 99_999, status: 500));

        var stats = LiveStatsCalculator.Compute(recent, Now, listFull: false);

        Assert.Equal(41, stats.Sampled);
        Assert.Equal(40, stats.Requests);
        Assert.Equal(0.5, stats.RequestsPerSecond, 6); // 30 in 60 s
        Assert.Equal(3.0 / 40, stats.ErrorRate!.Value, 6);
        Assert.Equal(200, stats.LatencyP50Ms); // 20th of 40 sorted: 10..300 then ten 1000s
        Assert.Equal(1000, stats.LatencyP95Ms);
        Assert.False(stats.Truncated);
    }

    [Fact]
    public void TimeToFirstToken_ComesFromStreamsOnly()
    {
        var recent = new List<RequestLogEntry>
        {
            Entry(Now, latency: 900, stream: true, ttft: 120),
            Entry(Now, latency: 800, stream: true, ttft: 80),
            Entry(Now, latency: 700, stream: true, ttft: null), // a stream that never sent a byte
            Entry(Now, latency: 50),
        };

        var stats = LiveStatsCalculator.Compute(recent, Now, listFull: false);

        Assert.Equal(2, stats.StreamedRequests);
        Assert.Equal(80, stats.TtftP50Ms);
        Assert.Equal(120, stats.TtftP95Ms);
    }

    [Fact]
    public void NoTraffic_GivesZerosAndNoPercentiles()
    {
        var stats = LiveStatsCalculator.Compute([], Now, listFull: false);

        Assert.Equal(0, stats.RequestsPerSecond);
        Assert.Null(stats.ErrorRate);
        Assert.Null(stats.LatencyP50Ms);
        Assert.Null(stats.TtftP95Ms);
        Assert.Empty(stats.Latency);
        Assert.All(stats.Traffic, p => Assert.Equal(0, p.RequestsPerSecond));
    }

    [Fact]
    public void FullList_WhoseOldestIsInsideTheMinute_RatesOverTheSpanItCovers()
    {
        // Redis kept only these 100, spread over the last 10 s: older ones of the minute were trimmed.
        var recent = Enumerable.Range(0, 100).Select(i => Entry(Now.AddMilliseconds(-100 * i), latency: 5)).ToList();

        var stats = LiveStatsCalculator.Compute(recent, Now, listFull: true);

        Assert.True(stats.Truncated);
        Assert.Equal(100 / 9.9, stats.RequestsPerSecond, 6);
    }

    [Fact]
    public void Slices_AreAlignedToTheStep_AndStillBetweenRefreshes()
    {
        var recent = new List<RequestLogEntry>
        {
            Entry(new DateTimeOffset(2030, 5, 1, 12, 0, 1, TimeSpan.Zero), latency: 100),
            Entry(new DateTimeOffset(2030, 5, 1, 12, 0, 3, TimeSpan.Zero), latency: 300, status: 500),
            Entry(new DateTimeOffset(2030, 5, 1, 11, 59, 55, TimeSpan.Zero), latency: 40),
        };

        var first = LiveStatsCalculator.Compute(recent, Now, listFull: false);
        var twoSecondsLater = LiveStatsCalculator.Compute(recent, Now.AddSeconds(2), listFull: false);

        Assert.Equal(new DateTime(2030, 5, 1, 11, 55, 0, DateTimeKind.Utc), first.Traffic[0].Time);
        Assert.Equal(new DateTime(2030, 5, 1, 12, 0, 0, DateTimeKind.Utc), first.Traffic[^1].Time);
        Assert.Equal(first.Traffic.Select(p => p.Time), twoSecondsLater.Traffic.Select(p => p.Time));
        var last = first.Traffic[^1];
        Assert.Equal((0.2, 0.1), (last.RequestsPerSecond, last.ErrorsPerSecond)); // 2 and 1 in 10 s
        Assert.Equal(0.1, first.Traffic[^2].RequestsPerSecond);
        // Latency points only where requests ended; p95 of {100, 300} is 300.
        Assert.Equal([(new DateTime(2030, 5, 1, 11, 59, 50, DateTimeKind.Utc), 40.0, 40.0), (new DateTime(2030, 5, 1, 12, 0, 0, DateTimeKind.Utc), 100.0, 300.0)],
            first.Latency.Select(p => (p.Time, p.P50Ms, p.P95Ms)));
    }

    private static RequestLogEntry Entry(DateTimeOffset time, double latency, int status = 200, bool stream = false, double? ttft = null) => new()
    {
        Time = time,
        RequestId = Guid.NewGuid().ToString("N"),
        Model = "model-a",
        Deployment = "model-a#0",
        Status = status,
        LatencyMs = latency,
        Stream = stream,
        TimeToFirstTokenMs = ttft,
    };
}
