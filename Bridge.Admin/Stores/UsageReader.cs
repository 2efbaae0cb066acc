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

    /// <summary>
    /// The sessions active in the 24 hours before <paramref name="now"/>, at most <paramref name="count"/> (up to
    /// <see cref="MaxSessions"/>), most recently seen or most spent first, from <c>bridge:usage:sessions</c> (or its
    /// by-cost twin) and each session's hash. A session whose hash has expired is left out.
    /// </summary>
    public async Task<IReadOnlyList<SessionUsage>> SessionsAsync(DateTimeOffset now, SessionOrder order = SessionOrder.LastSeen, int count = MaxSessions,
        CancellationToken cancellationToken = default)
    {
        count = Math.Clamp(count, 1, MaxSessions);
        var db = await DatabaseAsync();
        var since = (now - RedisKeys.UsageSessionWindow).ToUnixTimeSeconds();
        var sessions = new List<SessionUsage>(count);
        if (order == SessionOrder.LastSeen)
        {
            var recent = await db.SortedSetRangeByScoreAsync(RedisKeys.UsageSessions, since, double.PositiveInfinity, Exclude.Start, Order.Descending, 0, count);
            await AddSessionsAsync(db, recent, since, count, sessions);
            return sessions;
        }
        // By cost, sessions idle for more than a day stay ranked until a gateway's next record trims them (a quiet
        // day has none): read page after page, bounded by the index's own bound.
        for (var start = 0L; sessions.Count < count && start < RedisKeys.UsageSessionsKept; start += SessionPage)
        {
            var page = await db.SortedSetRangeByRankAsync(RedisKeys.UsageSessionsByCost, start, start + SessionPage - 1, Order.Descending);
            await AddSessionsAsync(db, page, since, count, sessions);
            if (page.Length < SessionPage) break;
        }
        return sessions;
    }

    private const int SessionPage = 250;

    private static async Task AddSessionsAsync(IDatabase db, RedisValue[] labels, long since, int count, List<SessionUsage> sessions)
    {
        var hashes = labels.Select(l => db.HashGetAllAsync(RedisKeys.UsageSession(l!))).ToArray();
        await Task.WhenAll(hashes);
        for (var i = 0; i < labels.Length && sessions.Count < count; i++)
        {
            if (Session(labels[i]!, hashes[i].Result) is { } session && session.LastSeen.ToUnixTimeSeconds() > since) sessions.Add(session);
        }
    }

    public const int MaxSessions = 200;

    private static SessionUsage? Session(string label, HashEntry[] hash)
    {
        if (hash.Length == 0) return null;
        string? keyId = null, keyName = null, source = null, model = null;
        long first = 0, last = 0;
        var models = new List<SessionModel>();
        foreach (var entry in hash)
        {
            var name = (string)entry.Name!;
            switch (name)
            {
                case "key_id": keyId = Text(entry.Value); break;
                case "key_name": keyName = Text(entry.Value); break;
                case "source": source = Text(entry.Value); break;
                case "model": model = Text(entry.Value); break;
                case "first_seen": entry.Value.TryParse(out first); break;
                case "last_seen": entry.Value.TryParse(out last); break;
                default:
                    if (name.StartsWith("model:", StringComparison.Ordinal) && entry.Value.TryParse(out long requests))
                    {
                        models.Add(new SessionModel(name["model:".Length..], requests));
                    }
                    break;
            }
        }
        models.Sort((a, b) => b.Requests != a.Requests ? b.Requests.CompareTo(a.Requests) : string.CompareOrdinal(a.Name, b.Name));
        return new SessionUsage(label, keyId, keyName, source, model, models,
            DateTimeOffset.FromUnixTimeSeconds(first), DateTimeOffset.FromUnixTimeSeconds(last), UsageCounters.FromHash(hash));
    }

    private static string? Text(RedisValue value) => value.IsNullOrEmpty ? null : (string?)value;

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
