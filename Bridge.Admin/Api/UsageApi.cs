using System.Globalization;
using Bridge.Admin.Stores;
using Bridge.Gateway.State;

namespace Bridge.Admin.Api;

/// <summary>
/// <c>/api/usage</c> (JSON), <c>/api/usage.csv</c>, <c>/api/usage/recent</c>, <c>/api/usage/sessions</c> and
/// <c>/api/usage/dead-letters</c>.
/// </summary>
public static class UsageApi
{
    /// <summary>
    /// Counters of a key, model, deployment or day. <c>InputTokens</c> excludes the cache's reads
    /// (<c>CachedTokens</c>) and writes (<c>CacheWriteTokens</c>); <c>CacheHitRate</c> is cached / all three (null
    /// without input), <c>CacheSavingsUsd</c> cached tokens times (input price - cache read price).
    /// </summary>
    public sealed record CountersView(long Requests, long Errors, long InputTokens, long OutputTokens, long CachedTokens, decimal CostUsd,
        long CacheWriteTokens, double? CacheHitRate, decimal CacheSavingsUsd)
    {
        public static CountersView From(UsageCounters c) => new(c.Requests, c.Errors, c.InputTokens, c.OutputTokens, c.CachedTokens, c.CostUsd,
            c.CacheWriteTokens, c.CacheHitRate is { } rate ? Math.Round(rate, 4) : null, c.CacheSavingsUsd);
    }

    public sealed record NamedCountersView(string Name, string? KeyName, CountersView Usage);
    public sealed record DayView(string Day, CountersView Usage);
    public sealed record UsageView(
        string From, string To, CountersView Totals, IReadOnlyList<DayView> ByDay, IReadOnlyList<NamedCountersView> ByKey,
        IReadOnlyList<NamedCountersView> ByModel, IReadOnlyList<NamedCountersView> ByDeployment);

    /// <summary>One session of the last 24 hours: its label (a hash, never the client's id) and its counters.</summary>
    public sealed record SessionView(string Label, string? KeyId, string? KeyName, string? Source, string? Model, IReadOnlyList<SessionModel> Models,
        DateTimeOffset FirstSeen, DateTimeOffset LastSeen, CountersView Usage);
    public sealed record SessionsView(IReadOnlyList<SessionView> Sessions);

    public static RouteGroupBuilder MapUsageApi(this RouteGroupBuilder api)
    {
        api.MapGet("/usage", GetAsync).WithTags("Usage").Produces<UsageView>()
            .WithSummary("Usage per key, model, deployment and day; 'from'/'to' are yyyy-MM-dd (UTC, inclusive; default: the last 30 days).");
        api.MapGet("/usage.csv", CsvAsync).WithTags("Usage").Produces<string>(contentType: "text/csv")
            .WithSummary("The same rows as CSV: day, dimension, name, key_name, counters.");
        api.MapGet("/usage/recent", async (UsageReader reader, TimeProvider time, int? limit, string? key, string? model, string? deployment, string? status,
                DateTimeOffset? from, DateTimeOffset? to) =>
            {
                var filter = new RequestLogFilter(key, model, deployment, status, from, to);
                return Results.Ok(new { requests = await reader.SearchRecentAsync(filter, time.GetUtcNow(), limit ?? 100) });
            })
            .WithTags("Usage").Produces<IReadOnlyList<RequestLogEntry>>()
            .WithSummary("The request log, newest first (no prompt content is recorded): 'key', 'model', 'deployment' match part of a name; "
                + "'status' is errors, ok, 5xx or a code; 'from'/'to' are ISO times.");
        api.MapGet("/usage/sessions", SessionsAsync).WithTags("Usage").Produces<SessionsView>()
            .WithSummary("Sessions active in the last 24 hours with their cache hit rate and savings; 'order' is last_seen (default) or cost, " +
                $"'limit' at most {UsageReader.MaxSessions}. A session is named by a hash of the key and the client's session id, never the id.");
        api.MapGet("/usage/dead-letters", async (UsageReader reader, int? limit) =>
            {
                var dead = await reader.DeadLettersAsync(limit ?? 100);
                return Results.Ok(new { count = dead.Count, entries = dead.Latest });
            })
            .WithTags("Usage").Produces<UsageDeadLetters>()
            .WithSummary("Usage records Redis refused (bridge:usage:dead): how many, and the newest with the reason. They are not in /api/usage.");
        return api;
    }

    private static async Task<IResult> GetAsync(UsageReader reader, VirtualKeyStore keys, TimeProvider time, string? from, string? to)
    {
        var report = await reader.ReadAsync(Day(from, "from", time, -29), Day(to, "to", time, 0));
        var names = await KeyNamesAsync(keys);
        IReadOnlyList<NamedCountersView> By(string dimension) => report.By(dimension)
            .Select(t => new NamedCountersView(t.Name, dimension == UsageReport.Key ? names.GetValueOrDefault(t.Name) : null, CountersView.From(t.Counters))).ToList();
        return Results.Ok(new UsageView(
            Iso(report.From), Iso(report.To), CountersView.From(report.Totals),
            report.ByDay().Select(d => new DayView(Iso(d.Day), CountersView.From(d.Counters))).ToList(),
            By(UsageReport.Key), By(UsageReport.Model), By(UsageReport.Deployment)));
    }

    private static async Task<IResult> SessionsAsync(UsageReader reader, TimeProvider time, string? order, int? limit)
    {
        var sort = order switch
        {
            null or "" or "last_seen" => SessionOrder.LastSeen,
            "cost" => SessionOrder.Cost,
            _ => throw new FieldValidationException("order", "order: must be last_seen or cost."),
        };
        var sessions = await reader.SessionsAsync(time.GetUtcNow(), sort, limit ?? UsageReader.MaxSessions);
        return Results.Ok(new SessionsView(sessions.Select(s => new SessionView(s.Label, s.KeyId, s.KeyName, s.Source, s.Model, s.Models,
            s.FirstSeen, s.LastSeen, CountersView.From(s.Counters))).ToList()));
    }

    public static async Task<IResult> CsvAsync(UsageReader reader, VirtualKeyStore keys, TimeProvider time, string? from, string? to)
    {
        var report = await reader.ReadAsync(Day(from, "from", time, -29), Day(to, "to", time, 0));
        var csv = UsageCsv.Write(report, await KeyNamesAsync(keys));
        return Results.File(System.Text.Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", $"bridge-usage-{report.From:yyyyMMdd}-{report.To:yyyyMMdd}.csv");
    }

    public static async Task<IReadOnlyDictionary<string, string?>> KeyNamesAsync(VirtualKeyStore keys) =>
        (await keys.ListAsync()).ToDictionary(k => k.Id, k => k.Name, StringComparer.Ordinal);

    public static DateOnly Day(string? text, string field, TimeProvider time, int defaultOffsetDays)
    {
        if (string.IsNullOrWhiteSpace(text)) return DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(defaultOffsetDays);
        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : throw new FieldValidationException(field, $"{field}: must be a date as yyyy-MM-dd.");
    }

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
