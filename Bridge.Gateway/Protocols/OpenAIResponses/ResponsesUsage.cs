using System.Text.Json;

namespace Bridge.Gateway.Protocols.OpenAIResponses;

/// <summary>
/// A Responses <c>usage</c> object: <c>input_tokens</c> (cached included),
/// <c>input_tokens_details.cached_tokens</c>, <c>output_tokens</c> (reasoning included) and
/// <c>output_tokens_details.reasoning_tokens</c>.
/// </summary>
public readonly record struct ResponsesUsage(int InputTokens, int CachedTokens, int OutputTokens, int ReasoningTokens)
{
    /// <summary>Input tokens not read from the cache (Anthropic's <c>input_tokens</c>).</summary>
    public int UncachedInputTokens => Math.Max(0, InputTokens - CachedTokens);

    /// <summary>Reads <c>usage</c> of a response object; false when it is missing or null.</summary>
    public static bool TryRead(JsonElement response, out ResponsesUsage usage)
    {
        usage = default;
        if (response.ValueKind != JsonValueKind.Object
            || !response.TryGetProperty("usage"u8, out var u)
            || u.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        usage = new ResponsesUsage(
            Int(u, "input_tokens"u8),
            Detail(u, "input_tokens_details"u8, "cached_tokens"u8),
            Int(u, "output_tokens"u8),
            Detail(u, "output_tokens_details"u8, "reasoning_tokens"u8));
        return true;
    }

    private static int Detail(JsonElement usage, ReadOnlySpan<byte> details, ReadOnlySpan<byte> name) =>
        usage.TryGetProperty(details, out var d) && d.ValueKind == JsonValueKind.Object ? Int(d, name) : 0;

    private static int Int(JsonElement obj, ReadOnlySpan<byte> name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : 0;
}
