using System.Globalization;
using System.Text;

namespace Bridge.Admin.Stores;

/// <summary>The usage rows as CSV (one line per day, dimension and name), safe to open in a spreadsheet.</summary>
public static class UsageCsv
{
    public const string Header =
        "day,dimension,name,key_name,requests,errors,input_tokens,output_tokens,cached_tokens,cost_usd,cache_write_tokens,cache_hit_rate,cache_savings_usd";

    public static string Write(UsageReport report, IReadOnlyDictionary<string, string?> keyNames)
    {
        var csv = new StringBuilder().Append(Header).Append('\n');
        foreach (var row in report.Rows.OrderBy(r => r.Day).ThenBy(r => r.Dimension, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal))
        {
            var c = row.Counters;
            var keyName = row.Dimension == UsageReport.Key ? keyNames.GetValueOrDefault(row.Name) : null;
            csv.Append(row.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',')
                .Append(row.Dimension).Append(',')
                .Append(Field(row.Name)).Append(',')
                .Append(Field(keyName ?? "")).Append(',')
                .Append(string.Join(',', new[] { c.Requests, c.Errors, c.InputTokens, c.OutputTokens, c.CachedTokens }.Select(n => n.ToString(CultureInfo.InvariantCulture))))
                .Append(',').Append(c.CostUsd.ToString("0.######", CultureInfo.InvariantCulture))
                .Append(',').Append(c.CacheWriteTokens.ToString(CultureInfo.InvariantCulture))
                .Append(',').Append(c.CacheHitRate is { } rate ? rate.ToString("0.####", CultureInfo.InvariantCulture) : "")
                .Append(',').Append(c.CacheSavingsUsd.ToString("0.######", CultureInfo.InvariantCulture)).Append('\n');
        }
        return csv.ToString();
    }

    /// <summary>Quotes when needed, and defuses text a spreadsheet would run as a formula (names are user input).</summary>
    public static string Field(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
