namespace Bridge.Gateway.Routing;

/// <summary>
/// The smoothing used for <see cref="DeploymentStats.LatencyEwmaMs"/> and <see cref="DeploymentStats.TtftEwmaMs"/>:
/// an exponentially weighted moving average. With <see cref="Alpha"/> = 0.3 the newest sample carries 30% of the
/// weight and a sample's influence halves about every two samples (roughly a 6-sample moving average; LiteLLM keeps
/// a plain average of the last 10), so a deployment that degrades is noticed within a few requests.
/// </summary>
public static class LatencyTracker
{
    public const double Alpha = 0.3;

    /// <summary>The average after observing <paramref name="sampleMs"/>; the first sample is taken as is.</summary>
    public static double Next(double? previous, double sampleMs)
    {
        if (!double.IsFinite(sampleMs) || sampleMs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleMs), sampleMs, "A latency sample must be a finite, non-negative number of milliseconds.");
        }
        return previous is { } p ? p + Alpha * (sampleMs - p) : sampleMs;
    }
}
