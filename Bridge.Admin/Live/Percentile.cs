namespace Bridge.Admin.Live;

/// <summary>Percentiles of a small sample (at most the 1,000 requests Redis keeps), by the nearest-rank method.</summary>
public static class Percentile
{
    /// <summary>
    /// The smallest value with at least <paramref name="p"/> of the sample at or below it (nearest rank), so the
    /// answer is always a latency some request really had; null for an empty sample. <paramref name="sorted"/> must be ascending.
    /// </summary>
    public static double? Of(IReadOnlyList<double> sorted, double p)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1);
        if (sorted.Count == 0) return null;
        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
