using System.Globalization;
using System.Text.Json;

namespace Bridge.Gateway.Configuration;

/// <summary>
/// One entry of a deployment's <c>litellm_params.cache_control_injection_points</c>, LiteLLM's setting: where
/// Bridge adds an Anthropic cache breakpoint to an OpenAI-format client's request. <c>location: message</c> with an
/// <c>index</c> (negative counts from the end, a string of digits is accepted) marks that one message; with a
/// <c>role</c> instead, every message of that role. <c>control</c> replaces the default
/// <c>{"type": "ephemeral"}</c> (e.g. a <c>ttl</c>).
/// </summary>
public sealed record CacheControlInjectionPoint
{
    private static readonly JsonElement Ephemeral = JsonDocument.Parse("""{"type":"ephemeral"}""").RootElement.Clone();

    public string? Role { get; init; }
    public int? Index { get; init; }
    /// <summary>The <c>cache_control</c> object written.</summary>
    public JsonElement Control { get; init; } = Ephemeral;

    /// <summary>
    /// Reads the list (its YAML as JSON). Entries LiteLLM would not apply to Anthropic messages (another
    /// <c>location</c>, such as Bedrock's <c>tool_config</c>; neither role nor index) are left out with a warning.
    /// </summary>
    internal static List<CacheControlInjectionPoint> ParseList(JsonElement list, string path, List<string> warnings)
    {
        if (list.ValueKind != JsonValueKind.Array) throw new ConfigException($"{path}: must be a list of {{location, role | index}} entries");
        var points = new List<CacheControlInjectionPoint>();
        var i = 0;
        foreach (var entry in list.EnumerateArray())
        {
            var at = $"{path}[{i++}]";
            if (entry.ValueKind != JsonValueKind.Object) throw new ConfigException($"{at}: must be a mapping with location and role or index");
            string? location = null, role = null;
            int? index = null;
            JsonElement? control = null;
            foreach (var property in entry.EnumerateObject())
            {
                var value = property.Value;
                switch (property.Name)
                {
                    case "location": location = value.ValueKind == JsonValueKind.String ? value.GetString() : throw new ConfigException($"{at}.location: must be a string"); break;
                    case "role" when value.ValueKind != JsonValueKind.Null:
                        role = value.ValueKind == JsonValueKind.String ? value.GetString() : throw new ConfigException($"{at}.role: must be a string");
                        break;
                    case "index" when value.ValueKind != JsonValueKind.Null: index = ReadIndex(value, $"{at}.index"); break;
                    case "control" when value.ValueKind != JsonValueKind.Null:
                        control = value.ValueKind == JsonValueKind.Object && value.TryGetProperty("type"u8, out var type) && type.ValueKind == JsonValueKind.String
                            ? value
                            : throw new ConfigException($"{at}.control: must be a mapping with a type (e.g. {{type: ephemeral}})");
                        break;
                    case "role" or "index" or "control": break;
                    default: warnings.Add($"{at}.{property.Name}: unknown key, ignored"); break;
                }
            }
            if (location != "message")
            {
                warnings.Add($"{at}.location: '{location}' is not applied (Bridge injects at location: message only)");
                continue;
            }
            if (role is null && index is null)
            {
                warnings.Add($"{at}: names neither a role nor an index; nothing is injected for it");
                continue;
            }
            points.Add(new CacheControlInjectionPoint { Role = role, Index = index, Control = control ?? Ephemeral });
        }
        return points;
    }

    private static int ReadIndex(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n)) return n;
        // LiteLLM takes "-1" as well as -1.
        if (value.ValueKind == JsonValueKind.String && int.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n)) return n;
        throw new ConfigException($"{path}: must be a whole number (negative counts from the last message)");
    }
}
