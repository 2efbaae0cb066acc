using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Admin.Stores;
using Bridge.Gateway.State;

namespace Bridge.Admin.Api;

/// <summary>
/// Applies the fields present in a JSON body onto key settings; absent fields keep their value, <c>null</c> clears.
/// Accepts Bridge's names and LiteLLM's (<c>key_alias</c>, <c>user_id</c>, <c>max_budget</c>, <c>duration</c>).
/// </summary>
public static class KeyFields
{
    /// <summary>Fields <c>/api/keys</c> accepts; anything else is refused by name.</summary>
    public static readonly IReadOnlySet<string> Native = new HashSet<string>(StringComparer.Ordinal)
    {
        "name", "owner", "models", "aliases", "max_budget_usd", "budget_duration", "rpm_limit", "tpm_limit",
        "max_parallel_requests", "expires_at", "metadata", "blocked",
    };

    public static VirtualKeySettings Apply(VirtualKeySettings settings, JsonObject body, DateTimeOffset now, bool liteLlm)
    {
        if (!liteLlm && body.Select(p => p.Key).FirstOrDefault(k => !Native.Contains(k)) is { } unknown)
        {
            throw new FieldValidationException(unknown, $"{unknown}: unknown field (known: {string.Join(", ", Native)}).");
        }
        foreach (var (field, node) in body)
        {
            settings = field switch
            {
                "name" or "key_alias" => settings with { Name = Text(field, node) },
                "owner" or "user_id" => settings with { Owner = Text(field, node) },
                "models" => settings with { Models = StringList(field, node) },
                "aliases" => settings with { Aliases = StringMap(field, node) },
                "max_budget_usd" or "max_budget" => settings with { MaxBudgetUsd = Budget(field, node) },
                "budget_duration" => settings with { BudgetDuration = Text(field, node) },
                "rpm_limit" => settings with { RpmLimit = Integer(field, node) },
                "tpm_limit" => settings with { TpmLimit = Integer(field, node) },
                "max_parallel_requests" => settings with { MaxParallelRequests = Integer(field, node) },
                "expires_at" => settings with { ExpiresAt = Time(field, node) },
                "duration" when liteLlm => settings with { ExpiresAt = Text(field, node) is { } d ? Expiry(field, d, now) : null },
                "metadata" => settings with { Metadata = Metadata(field, node) },
                "blocked" => settings with { Blocked = Boolean(field, node) },
                _ => settings,
            };
        }
        return settings;
    }

    /// <summary>LiteLLM's <c>duration</c>: <c>30s</c>, <c>30m</c>, <c>30h</c>, <c>30d</c>, <c>1mo</c> from now.</summary>
    public static DateTimeOffset Expiry(string field, string duration, DateTimeOffset now)
    {
        var text = duration.Trim();
        if (text.EndsWith("mo", StringComparison.Ordinal) && int.TryParse(text[..^2], NumberStyles.None, CultureInfo.InvariantCulture, out var months) && months > 0)
        {
            return now.AddMonths(months);
        }
        if (text.Length >= 2 && int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            switch (text[^1])
            {
                case 's': return now.AddSeconds(n);
                case 'm': return now.AddMinutes(n);
                case 'h': return now.AddHours(n);
                case 'd': return now.AddDays(n);
            }
        }
        throw new FieldValidationException(field, $"{field}: use a number and a unit: '30s', '30m', '30h', '30d' or '1mo'.");
    }

    private static string? Text(string field, JsonNode? node) => node is null ? null
        : node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>()
        : throw new FieldValidationException(field, $"{field}: must be a string or null.");

    private static IReadOnlyList<string> StringList(string field, JsonNode? node)
    {
        if (node is null) return [];
        if (node is not JsonArray array || array.Any(e => e?.GetValueKind() != JsonValueKind.String))
        {
            throw new FieldValidationException(field, $"{field}: must be an array of strings.");
        }
        return array.Select(e => e!.GetValue<string>()).ToList();
    }

    private static IReadOnlyDictionary<string, string> StringMap(string field, JsonNode? node)
    {
        if (node is null) return new Dictionary<string, string>();
        if (node is not JsonObject map || map.Any(e => e.Value?.GetValueKind() != JsonValueKind.String))
        {
            throw new FieldValidationException(field, $"{field}: must be an object of strings (alias -> model).");
        }
        return map.ToDictionary(e => e.Key, e => e.Value!.GetValue<string>(), StringComparer.Ordinal);
    }

    private static decimal? Decimal(string field, JsonNode? node)
    {
        if (node is null) return null;
        if (node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<decimal>(out var value)) return value;
        throw new FieldValidationException(field, $"{field}: must be a number (US dollars) or null.");
    }

    /// <summary>A budget in US dollars; above the largest one the gateway can count (or negative) it is refused here, naming the field.</summary>
    private static decimal? Budget(string field, JsonNode? node)
    {
        if (node?.GetValueKind() == JsonValueKind.Number && !node.AsValue().TryGetValue<decimal>(out _))
        {
            throw new FieldValidationException(field, VirtualKeySettingsValidator.BudgetRange(field)); // beyond even a decimal
        }
        var value = Decimal(field, node);
        if (value is < 0 or > BudgetMicros.MaxBudgetUsd) throw new FieldValidationException(field, VirtualKeySettingsValidator.BudgetRange(field));
        return value;
    }

    private static int? Integer(string field, JsonNode? node)
    {
        if (node is null) return null;
        if (node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<int>(out var value)) return value;
        throw new FieldValidationException(field, $"{field}: must be a whole number or null.");
    }

    private static bool Boolean(string field, JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new FieldValidationException(field, $"{field}: must be true or false."),
    };

    private static DateTimeOffset? Time(string field, JsonNode? node)
    {
        if (node is null) return null;
        if (node.GetValueKind() == JsonValueKind.String
            && DateTimeOffset.TryParse(node.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time.ToUniversalTime();
        }
        throw new FieldValidationException(field, $"{field}: must be an ISO 8601 time (e.g. 2030-01-31T00:00:00Z) or null.");
    }

    private static IReadOnlyDictionary<string, JsonElement> Metadata(string field, JsonNode? node)
    {
        if (node is null) return new Dictionary<string, JsonElement>();
        if (node is not JsonObject map) throw new FieldValidationException(field, $"{field}: must be an object.");
        return map.ToDictionary(e => e.Key, e => e.Value is null ? JsonDocument.Parse("null").RootElement : JsonSerializer.SerializeToElement(e.Value), StringComparer.Ordinal);
    }
}
