namespace Bridge.Admin.Stores;

/// <summary>Usage between two days (inclusive, UTC), with the sums the pages and the API show.</summary>
public sealed class UsageReport(DateOnly from, DateOnly to, IReadOnlyList<UsageRow> rows)
{
    public const string Key = "key";
    public const string Model = "model";
    public const string Deployment = "deployment";

    public DateOnly From { get; } = from;
    public DateOnly To { get; } = to;
    public IReadOnlyList<UsageRow> Rows { get; } = rows;

    /// <summary>Every request has a model, so the model rows sum to the totals.</summary>
    public UsageCounters Totals => Rows.Where(r => r.Dimension == Model).Aggregate(default(UsageCounters), (sum, r) => sum + r.Counters);

    /// <summary>One entry per day of the range, zeros included, oldest first.</summary>
    public IReadOnlyList<(DateOnly Day, UsageCounters Counters)> ByDay()
    {
        var sums = Rows.Where(r => r.Dimension == Model).GroupBy(r => r.Day)
            .ToDictionary(g => g.Key, g => g.Aggregate(default(UsageCounters), (sum, r) => sum + r.Counters));
        var days = new List<(DateOnly, UsageCounters)>();
        for (var day = From; day <= To; day = day.AddDays(1)) days.Add((day, sums.GetValueOrDefault(day)));
        return days;
    }

    /// <summary>Totals per name of <paramref name="dimension"/>, by cost then requests, highest first.</summary>
    public IReadOnlyList<UsageTotal> By(string dimension) => Rows
        .Where(r => r.Dimension == dimension)
        .GroupBy(r => r.Name, StringComparer.Ordinal)
        .Select(g => new UsageTotal(g.Key, g.Aggregate(default(UsageCounters), (sum, r) => sum + r.Counters)))
        .OrderByDescending(t => t.Counters.CostMicros).ThenByDescending(t => t.Counters.Requests).ThenBy(t => t.Name, StringComparer.Ordinal)
        .ToList();

    public IReadOnlyList<UsageTotal> Top(string dimension, int count) => By(dimension).Take(count).ToList();
}
