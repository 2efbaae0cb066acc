using StackExchange.Redis;

namespace Bridge.Admin.Stores;

/// <summary>
/// The counters of one <c>bridge:usage:*</c> hash, or a sum of several. Input is kept in three parts that do not
/// overlap: <see cref="InputTokens"/> (uncached), <see cref="CachedTokens"/> (cache reads) and
/// <see cref="CacheWriteTokens"/> (cache writes).
/// </summary>
public readonly record struct UsageCounters(long Requests, long Errors, long InputTokens, long OutputTokens, long CachedTokens, long CostMicros,
    long CacheWriteTokens = 0, long CacheSavingsMicros = 0)
{
    public decimal CostUsd => CostMicros / 1_000_000m;
    public long TotalTokens => PromptTokens + OutputTokens;

    /// <summary>Every input token: uncached, read from the cache and written to it.</summary>
    public long PromptTokens => InputTokens + CachedTokens + CacheWriteTokens;

    /// <summary>Cached tokens / input tokens (all of them); null without input.</summary>
    public double? CacheHitRate => PromptTokens > 0 ? (double)CachedTokens / PromptTokens : null;

    /// <summary>What cache reads saved: cached tokens times (input price - cache read price), per deployment.</summary>
    public decimal CacheSavingsUsd => CacheSavingsMicros / 1_000_000m;

    public static UsageCounters operator +(UsageCounters a, UsageCounters b) => new(
        a.Requests + b.Requests, a.Errors + b.Errors, a.InputTokens + b.InputTokens,
        a.OutputTokens + b.OutputTokens, a.CachedTokens + b.CachedTokens, a.CostMicros + b.CostMicros,
        a.CacheWriteTokens + b.CacheWriteTokens, a.CacheSavingsMicros + b.CacheSavingsMicros);

    public static UsageCounters FromHash(HashEntry[] entries)
    {
        long requests = 0, errors = 0, input = 0, output = 0, cached = 0, cost = 0, cacheWrite = 0, savings = 0;
        foreach (var entry in entries)
        {
            if (!entry.Value.TryParse(out long value)) continue;
            switch ((string?)entry.Name)
            {
                case "requests": requests = value; break;
                case "errors": errors = value; break;
                case "input_tokens": input = value; break;
                case "output_tokens": output = value; break;
                case "cached_tokens": cached = value; break;
                case "cost_micros": cost = value; break;
                case "cache_write_tokens": cacheWrite = value; break;
                case "cache_savings_micros": savings = value; break;
            }
        }
        return new UsageCounters(requests, errors, input, output, cached, cost, cacheWrite, savings);
    }
}
