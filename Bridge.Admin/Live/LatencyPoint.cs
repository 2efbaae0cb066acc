namespace Bridge.Admin.Live;

/// <summary>Latency percentiles of the requests that ended in one time slice (only slices that had requests).</summary>
public sealed record LatencyPoint(DateTime Time, double P50Ms, double P95Ms);
