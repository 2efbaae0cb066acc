using Bridge.Gateway.State;

namespace Bridge.Admin.Live;

/// <summary>
/// Turns the recent-requests list into <see cref="LiveStats"/>. Pure (the clock is a parameter), so the sums and
/// percentiles are tested without Redis or a browser.
/// </summary>
public static class LiveStatsCalculator
{
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultSlice = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan RateWindow = TimeSpan.FromMinutes(1);

    /// <param name="recent">Newest first or in any order; entries from the future (clock skew between hosts) count as now.</param>
    /// <param name="listFull">Whether the list held as many entries as it keeps (then its oldest bounds what can be known).</param>
    public static LiveStats Compute(IReadOnlyList<RequestLogEntry> recent, DateTimeOffset now, bool listFull, TimeSpan? window = null, TimeSpan? slice = null)
    {
        var span = window ?? DefaultWindow;
        var step = slice ?? DefaultSlice;
        var start = now - span;
        var inWindow = recent.Where(e => e.Time > start).ToList();
        var oldest = recent.Count == 0 ? now : recent.Min(e => e.Time);
        // Redis trimmed older requests of the window away: only the span from the oldest kept entry is known.
        var truncated = listFull && oldest > start;

        var rateStart = now - RateWindow;
        var rateCovered = truncated && oldest > rateStart ? now - oldest : RateWindow;
        var lastMinute = inWindow.Count(e => e.Time > rateStart);
        var rate = rateCovered > TimeSpan.Zero ? lastMinute / rateCovered.TotalSeconds : 0;

        // Slices on multiples of the step (not of now), so a refresh two seconds later draws the same slices.
        var firstSlice = new DateTimeOffset((start.UtcTicks / step.Ticks) * step.Ticks, TimeSpan.Zero);
        var slices = Slice(inWindow, firstSlice, now, step);
        var latencies = inWindow.Select(e => e.LatencyMs).Order().ToList();
        var ttfts = inWindow.Where(e => e.Stream && e.TimeToFirstTokenMs is not null).Select(e => e.TimeToFirstTokenMs!.Value).Order().ToList();
        double? errorRate = inWindow.Count == 0 ? null : (double)inWindow.Count(e => e.Status >= 400) / inWindow.Count;

        return new LiveStats(
            span, recent.Count, inWindow.Count, rate, errorRate,
            Percentile.Of(latencies, 0.50), Percentile.Of(latencies, 0.95),
            ttfts.Count, Percentile.Of(ttfts, 0.50), Percentile.Of(ttfts, 0.95),
            truncated, Traffic(slices, firstSlice, step), Latency(slices, firstSlice, step));
    }

    /// <summary>The window's entries by time slice, from <paramref name="start"/> to now (empty slices included, so the time axis is steady).</summary>
    private static List<RequestLogEntry>[] Slice(List<RequestLogEntry> entries, DateTimeOffset start, DateTimeOffset now, TimeSpan step)
    {
        var count = Math.Max(1, (int)Math.Ceiling((now - start) / step));
        var slices = new List<RequestLogEntry>[count];
        for (var i = 0; i < count; i++) slices[i] = [];
        foreach (var entry in entries)
        {
            slices[Math.Clamp((int)((entry.Time - start) / step), 0, count - 1)].Add(entry);
        }
        return slices;
    }

    private static List<TrafficPoint> Traffic(List<RequestLogEntry>[] slices, DateTimeOffset start, TimeSpan step) => slices
        .Select((slice, i) => new TrafficPoint(
            (start + step * i).UtcDateTime, slice.Count / step.TotalSeconds, slice.Count(e => e.Status >= 400) / step.TotalSeconds))
        .ToList();

    /// <summary>Percentiles per slice that had requests (a line through empty slices would claim a latency nobody had).</summary>
    private static List<LatencyPoint> Latency(List<RequestLogEntry>[] slices, DateTimeOffset start, TimeSpan step)
    {
        var points = new List<LatencyPoint>();
        for (var i = 0; i < slices.Length; i++)
        {
            if (slices[i].Count == 0) continue;
            var sorted = slices[i].Select(e => e.LatencyMs).Order().ToList();
            points.Add(new LatencyPoint((start + step * i).UtcDateTime, Percentile.Of(sorted, 0.50)!.Value, Percentile.Of(sorted, 0.95)!.Value));
        }
        return points;
    }
}
