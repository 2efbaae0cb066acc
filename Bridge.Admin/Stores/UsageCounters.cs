using StackExchange.Redis;

namespace Bridge.Admin.Stores;

/// <summary>The counters of one <c>bridge:usage:*</c> hash, or a sum of several.</summary>
public readonly record struct UsageCounters(long Requests, long Errors, long InputTokens, long OutputTokens, long CachedTokens, long CostMicros)
{
    public decimal CostUsd => CostMicros / 1_000_000m;
    public long TotalTokens => InputTokens + OutputTokens;

    public static UsageCounters operator +(UsageCounters a, UsageCounters b) => new(
        a.Requests + b.Requests, a.Errors + b.Errors, a.InputTokens + b.InputTokens,
        a.OutputTokens + b.OutputTokens, a.CachedTokens + b.CachedTokens, a.CostMicros + b.CostMicros);

    public static UsageCounters FromHash(HashEntry[] entries)
    {
        long requests = 0, errors = 0, input = 0, output = 0, cached = 0, cost = 0;
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
            }
        }
        return new UsageCounters(requests, errors, input, output, cached, cost);
    }
}
