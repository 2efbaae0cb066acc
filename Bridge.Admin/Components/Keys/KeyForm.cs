using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Bridge.Admin.Stores;
using Bridge.Gateway.State;

namespace Bridge.Admin.Components.Keys;

/// <summary>
/// The Keys page's editor, as text fields a form binds to; <see cref="ToSettings"/> turns them into settings or
/// throws <see cref="FieldValidationException"/> naming the field. Lists are comma-separated, aliases <c>alias=model</c>.
/// </summary>
public sealed class KeyForm
{
    public static readonly string[] Durations = ["", "1d", "7d", "30d", "1mo"];

    public string Name { get; set; } = "";
    public string Owner { get; set; } = "";
    public string Models { get; set; } = "";
    public string Aliases { get; set; } = "";
    public string MaxBudgetUsd { get; set; } = "";
    public string BudgetDuration { get; set; } = "";
    public string RpmLimit { get; set; } = "";
    public string TpmLimit { get; set; } = "";
    public string MaxParallelRequests { get; set; } = "";
    public DateTime? ExpiresOn { get; set; }
    public string Metadata { get; set; } = "";
    public bool Blocked { get; set; }

    // The stored expiry and the day the form shows for it: saving without touching the date keeps it exactly.
    private DateTimeOffset? _originalExpiresAt;
    private DateTime? _originalExpiresOn;

    public static KeyForm From(VirtualKeyRecord r) => new()
    {
        Name = r.Name ?? "",
        Owner = r.Owner ?? "",
        Models = string.Join(", ", r.Models),
        Aliases = string.Join(", ", r.Aliases.Select(a => $"{a.Key}={a.Value}")),
        MaxBudgetUsd = r.MaxBudgetUsd?.ToString(CultureInfo.InvariantCulture) ?? "",
        BudgetDuration = r.BudgetDuration ?? "",
        RpmLimit = r.RpmLimit?.ToString(CultureInfo.InvariantCulture) ?? "",
        TpmLimit = r.TpmLimit?.ToString(CultureInfo.InvariantCulture) ?? "",
        MaxParallelRequests = r.MaxParallelRequests?.ToString(CultureInfo.InvariantCulture) ?? "",
        // The last day on which the key still works.
        ExpiresOn = r.ExpiresAt?.AddTicks(-1).UtcDateTime.Date,
        _originalExpiresAt = r.ExpiresAt,
        _originalExpiresOn = r.ExpiresAt?.AddTicks(-1).UtcDateTime.Date,
        Metadata = r.Metadata.Count == 0 ? "" : JsonSerializer.Serialize(r.Metadata),
        Blocked = r.Blocked,
    };

    public VirtualKeySettings ToSettings() => new()
    {
        Name = Name,
        Owner = Owner,
        Models = Split(Models),
        Aliases = ParseAliases(Aliases),
        MaxBudgetUsd = Number<decimal>("max_budget", MaxBudgetUsd, "a number of US dollars"),
        BudgetDuration = BudgetDuration,
        RpmLimit = Number<int>("rpm_limit", RpmLimit, "a whole number"),
        TpmLimit = Number<int>("tpm_limit", TpmLimit, "a whole number"),
        MaxParallelRequests = Number<int>("max_parallel_requests", MaxParallelRequests, "a whole number"),
        // A date means "through the end of that day", UTC.
        ExpiresAt = ExpiresOn is null ? null
            : ExpiresOn == _originalExpiresOn ? _originalExpiresAt
            : new DateTimeOffset(DateTime.SpecifyKind(ExpiresOn.Value.Date.AddDays(1), DateTimeKind.Utc)),
        Metadata = ParseMetadata(Metadata),
        Blocked = Blocked,
    };

    private static List<string> Split(string text) =>
        text.Split([',', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static Dictionary<string, string> ParseAliases(string text)
    {
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in Split(text))
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                throw new FieldValidationException("aliases", $"aliases: '{pair}' is not alias=model.");
            }
            aliases[parts[0]] = parts[1];
        }
        return aliases;
    }

    private static T? Number<T>(string field, string text, string what) where T : struct, INumber<T>
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        return T.TryParse(text.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FieldValidationException(field, $"{field}: must be {what}, or empty.");
    }

    private static Dictionary<string, JsonElement> ParseMetadata(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(text) ?? [];
        }
        catch (JsonException)
        {
            throw new FieldValidationException("metadata", "metadata: must be a JSON object, e.g. {\"team\": \"search\"}.");
        }
    }
}
