using System.Globalization;
using Bridge.Gateway.State;
using StackExchange.Redis;

namespace Bridge.Admin.Stores;

/// <summary>
/// Reads what gateways recorded: the per-day hashes <c>bridge:usage:{yyyyMMdd}:{dimension}:{name}</c> (found through
/// <c>bridge:usage:days</c> and the per-day name sets), the recent-requests list and the dead-letter list. Read-only.
/// </summary>
public sealed class UsageReader(RedisConnection redis) : RedisStore(redis)
{
    public const int MaxDays = 366;

    public async Task<UsageReport> ReadAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        if (to < from) throw new FieldValidationException("to", "to: must not be before 'from'.");
        if (to.DayNumber - from.DayNumber >= MaxDays) throw new FieldValidationException("from", $"from: the range is limited to {MaxDays} days.");
        var db = await DatabaseAsync();
        var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
        var end = new DateTimeOffset(to.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
        var days = await db.SortedSetRangeByScoreAsync(RedisKeys.UsageDays, start, end);

        var pending = new List<(DateOnly Day, string Dimension, string Name, Task<HashEntry[]> Hash)>();
        foreach (var dayValue in days)
        {
            var day = (string)dayValue!;
            if (!DateOnly.TryParseExact(day, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) continue;
            foreach (var dimension in RedisKeys.UsageDimensions)
            {
                foreach (var name in await db.SetMembersAsync(RedisKeys.UsageIndex(day, dimension)))
                {
                    pending.Add((date, dimension, name!, db.HashGetAllAsync(RedisKeys.Usage(day, dimension, name!))));
                }
            }
        }
        await Task.WhenAll(pending.Select(p => p.Hash));
        var rows = pending
            .Select(p => new UsageRow(p.Day, p.Dimension, p.Name, UsageCounters.FromHash(p.Hash.Result)))
            .Where(r => r.Counters.Requests > 0)
            .ToList();
        return new UsageReport(from, to, rows);
    }

    /// <summary>The newest requests first (no prompt content is ever recorded).</summary>
    public async Task<IReadOnlyList<RequestLogEntry>> RecentAsync(int count = 100, CancellationToken cancellationToken = default)
    {
        count = Math.Clamp(count, 1, RedisKeys.RecentRequestsKept);
        var db = await DatabaseAsync();
        var values = await db.ListRangeAsync(RedisKeys.RecentRequests, 0, count - 1);
        return values.Where(v => !v.IsNullOrEmpty).Select(v => StateJson.Deserialize<RequestLogEntry>(v!)).OfType<RequestLogEntry>().ToList();
    }

    /// <summary>Entries read from the request log per round trip while searching it.</summary>
    private const int SearchPage = 500;

    /// <summary>
    /// The request log, newest first, filtered: read a page at a time until <paramref name="count"/> entries match or
    /// the log ends (at most <see cref="RedisKeys.RecentRequestsKept"/> entries; none older than
    /// <see cref="RedisKeys.RecentRequestsMaxAge"/>, which the gateways also trim).
    /// </summary>
    public async Task<IReadOnlyList<RequestLogEntry>> SearchRecentAsync(RequestLogFilter filter, DateTimeOffset now, int count = 200, CancellationToken cancellationToken = default)
    {
        if (filter.StatusProblem() is { } problem) throw new FieldValidationException("status", problem);
        count = Math.Clamp(count, 1, RedisKeys.RecentRequestsKept);
        var oldest = now - RedisKeys.RecentRequestsMaxAge;
        var db = await DatabaseAsync();
        var found = new List<RequestLogEntry>(Math.Min(count, SearchPage));
        for (var start = 0; start < RedisKeys.RecentRequestsKept && found.Count < count; start += SearchPage)
        {
            var values = await db.ListRangeAsync(RedisKeys.RecentRequests, start, start + SearchPage - 1);
            foreach (var value in values)
            {
                if (value.IsNullOrEmpty || StateJson.Deserialize<RequestLogEntry>(value!) is not { } entry) continue;
                // Newest first: past the age bound (or before 'from'), nothing further down can match.
                if (entry.Time < oldest || (filter.From is { } from && entry.Time < from)) return found;
                if (filter.Matches(entry)) found.Add(entry);
                if (found.Count == count) return found;
            }
            if (values.Length < SearchPage) break;
        }
        return found;
    }

    /// <summary>
    /// Usage records Redis refused, newest first: a gateway moves a record there after Redis answered it with an
    /// error several times (a key of the wrong type...), so the rest of the queue goes on. Counters only, no content.
    /// </summary>
    public async Task<UsageDeadLetters> DeadLettersAsync(int count = 20, CancellationToken cancellationToken = default)
    {
        count = Math.Clamp(count, 1, RedisKeys.UsageDeadLettersKept);
        var db = await DatabaseAsync();
        var length = db.ListLengthAsync(RedisKeys.UsageDeadLetters);
        var values = db.ListRangeAsync(RedisKeys.UsageDeadLetters, 0, count - 1);
        var latest = (await values).Where(v => !v.IsNullOrEmpty).Select(v => StateJson.Deserialize<UsageDeadLetter>(v!)).OfType<UsageDeadLetter>().ToList();
        return new UsageDeadLetters(await length, latest);
    }
}
