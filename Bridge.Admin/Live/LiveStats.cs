namespace Bridge.Admin.Live;

/// <summary>
/// What the newest requests say (from <c>bridge:requests:recent</c>): the rate over the last minute, error rate and
/// percentiles over <see cref="Window"/>, and the per-slice series the charts draw.
/// </summary>
/// <param name="Sampled">Entries read from the recent-requests list (it keeps the newest 1,000).</param>
/// <param name="Requests">Requests that ended within <see cref="Window"/>.</param>
/// <param name="RequestsPerSecond">Requests that ended in the last minute, per second.</param>
/// <param name="ErrorRate">Share of <see cref="Requests"/> with a status of 400 or more; null without requests.</param>
/// <param name="StreamedRequests">Streams in the window that reported a time to first token.</param>
/// <param name="Truncated">
/// The list was full and its oldest entry is inside the window: older requests of the window were already trimmed,
/// so the rates are over the span the list still covers.
/// </param>
public sealed record LiveStats(
    TimeSpan Window,
    int Sampled,
    int Requests,
    double RequestsPerSecond,
    double? ErrorRate,
    double? LatencyP50Ms,
    double? LatencyP95Ms,
    int StreamedRequests,
    double? TtftP50Ms,
    double? TtftP95Ms,
    bool Truncated,
    IReadOnlyList<TrafficPoint> Traffic,
    IReadOnlyList<LatencyPoint> Latency);
