using Bridge.Admin.Stores;

namespace Bridge.Admin.Live;

/// <summary>Today's (UTC) sums from the usage hashes, with the busiest keys and models.</summary>
public sealed record TodayTotals(DateOnly Day, UsageCounters Counters, IReadOnlyList<TopEntry> TopKeys, IReadOnlyList<TopEntry> TopModels)
{
    /// <summary>
    /// Share of prompt tokens read from the provider's cache: cached / (input + cached), since the gateway counts
    /// cache reads apart from <c>input_tokens</c>. Null before any input.
    /// </summary>
    public double? CacheHitRate => Counters.InputTokens + Counters.CachedTokens is > 0 and var prompt ? (double)Counters.CachedTokens / prompt : null;
}
