using System.Text.Json;

namespace Bridge.Gateway.Translation.AnthropicToOpenAI;

/// <summary>
/// The HTTP status an OpenAI-style error object inside a 200 answer names, when it names one: a <c>code</c> of
/// 400-599 (a number, as vLLM sends, or a string), or 429 for a <c>rate_limit</c> code or type.
/// </summary>
public static class OpenAIErrorStatus
{
    public static int? Of(JsonElement error)
    {
        if (error.TryGetProperty("code"u8, out var code)
            && (code.ValueKind == JsonValueKind.Number ? code.TryGetInt32(out var number)
                : int.TryParse(code.ValueKind == JsonValueKind.String ? code.GetString() : null, System.Globalization.CultureInfo.InvariantCulture, out number))
            && number is >= 400 and <= 599)
        {
            return number;
        }
        foreach (var name in new[] { "code", "type" })
        {
            if (error.TryGetProperty(name, out var text) && text.ValueKind == JsonValueKind.String
                && text.GetString()!.Contains("rate_limit", StringComparison.OrdinalIgnoreCase))
            {
                return 429;
            }
        }
        return null;
    }
}
