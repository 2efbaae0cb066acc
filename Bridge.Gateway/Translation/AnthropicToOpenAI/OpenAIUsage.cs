using System.Text.Json;

namespace Bridge.Gateway.Translation.AnthropicToOpenAI;

/// <summary>OpenAI <c>usage</c> read into Anthropic terms (input excludes cached tokens).</summary>
public readonly record struct OpenAIUsage(int PromptTokens, int CompletionTokens, int CachedTokens)
{
    public int InputTokens => Math.Max(0, PromptTokens - CachedTokens);

    public static bool TryRead(JsonElement parent, out OpenAIUsage usage)
    {
        usage = default;
        if (parent.ValueKind != JsonValueKind.Object
            || !parent.TryGetProperty("usage"u8, out var u)
            || u.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var cached = 0;
        if (u.TryGetProperty("prompt_tokens_details"u8, out var details) && details.ValueKind == JsonValueKind.Object)
        {
            cached = Int(details, "cached_tokens"u8);
        }

        usage = new OpenAIUsage(Int(u, "prompt_tokens"u8), Int(u, "completion_tokens"u8), cached);
        return true;
    }

    private static int Int(JsonElement obj, ReadOnlySpan<byte> name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : 0;
}
