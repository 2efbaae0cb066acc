using System.Globalization;
using Bridge.Admin.Stores;
using Bridge.Gateway.State;

namespace Bridge.Admin.Api;

/// <summary><c>/api/usage</c> (JSON), <c>/api/usage.csv</c>, <c>/api/usage/recent</c> and <c>/api/usage/dead-letters</c>.</summary>
public static class UsageApi
{
    public sealed record CountersView(long Requests, long Errors, long InputTokens, long OutputTokens, long CachedTokens, decimal CostUsd)
    {
        public static CountersView From(UsageCounters c) => new(c.Requests, c.Errors, c.InputTokens, c.OutputTokens, c.CachedTokens, c.CostUsd);
    }

    public sealed record NamedCountersView(string Name, string? KeyName, CountersView Usage);
    public sealed record DayView(string Day, CountersView Usage);
    public sealed record UsageView(
        string From, string To, CountersView Totals, IReadOnlyList<DayView> ByDay, IReadOnlyList<NamedCountersView> ByKey,
        IReadOnlyList<NamedCountersView> ByModel, IReadOnlyList<NamedCountersView> ByDeployment);

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
