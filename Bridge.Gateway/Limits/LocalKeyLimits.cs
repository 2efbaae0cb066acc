using System.Collections.Concurrent;
using Bridge.Gateway.State;

namespace Bridge.Gateway.Limits;

/// <summary>
/// A key's limits counted on this replica alone, used only while Redis cannot be reached (the <c>local</c>
/// policy): requests and tokens per minute, requests in flight, and spend from the last value Redis reported
/// plus what this replica charged since. An approximation: replicas do not see each other's counts.
/// </summary>
internal sealed class LocalKeyLimits
{
    private sealed class Counters
    {
        public long Minute;
        public int Requests;
        public long Tokens;
        public int InFlight;
        public long PeriodStart;
        public long Spend;
    }

    private readonly ConcurrentDictionary<string, Counters> _keys = new(StringComparer.Ordinal);

    /// <summary>What Redis said the key has spent in the period (admission reads it): the outage starts from here.</summary>
    public void SpendSeen(string keyId, long periodStart, long spendMicros)
    {
        var c = _keys.GetOrAdd(keyId, static _ => new Counters());
        lock (c) (c.PeriodStart, c.Spend) = (periodStart, spendMicros);
    }

    /// <summary>Checks and counts like the admit script; returns the outcome code (0 admitted) and the count that refused.</summary>
    public (int Outcome, long Used) TryAdmit(VirtualKeyRecord key, long minute, long periodStart, long budgetMicros)
    {
        var c = _keys.GetOrAdd(key.Id, static _ => new Counters());
        lock (c)
        {
            if (c.Minute != minute) (c.Minute, c.Requests, c.Tokens) = (minute, 0, 0);
            if (c.PeriodStart != periodStart) (c.PeriodStart, c.Spend) = (periodStart, 0);
            if (key.RpmLimit is { } rpm && c.Requests >= rpm) return (1, c.Requests);
            if (key.TpmLimit is { } tpm && c.Tokens >= tpm) return (2, c.Tokens);
            if (budgetMicros >= 0 && c.Spend >= budgetMicros) return (4, c.Spend);
            if (key.MaxParallelRequests is { } parallel && c.InFlight >= parallel) return (3, c.InFlight);
            c.Requests++;
            c.InFlight++;
            return (0, c.Requests);
        }
    }

    /// <summary>The request ended: frees its slot, counts its tokens in this minute and its cost.</summary>
    public void Release(string keyId, long minute, long tokens, long costMicros)
    {
        if (!_keys.TryGetValue(keyId, out var c)) return;
        lock (c)
        {
            c.InFlight = Math.Max(0, c.InFlight - 1);
            if (c.Minute != minute) (c.Minute, c.Requests, c.Tokens) = (minute, 0, 0);
            c.Tokens += tokens;
            c.Spend += costMicros;
        }
    }
}
