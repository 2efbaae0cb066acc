using System.Text.Json;
using Bridge.Gateway.Usage;

namespace Bridge.Gateway.Translation.ResponsesToChat;

/// <summary>
/// A Chat Completions <c>usage</c> object, read into the Responses API's terms: <c>input_tokens</c> is
/// <c>prompt_tokens</c> (cached tokens included, as in both APIs), <c>output_tokens</c> is
/// <c>completion_tokens</c> (reasoning included).
/// </summary>
public readonly record struct ChatCompletionUsage(int PromptTokens, int CompletionTokens, int CachedTokens, int ReasoningTokens, int TotalTokens,
    int CacheWriteTokens = 0)
{
    /// <summary>
    /// What the gateway records: input without cache reads and writes, which are billed apart. Only an Anthropic
    /// upstream reports writes (<see cref="CacheWriteTokens"/>, counted inside <see cref="PromptTokens"/>); neither
    /// OpenAI API has a field for them, so the client does not see them.
    /// </summary>
    public TokenUsage ToTokenUsage() =>
        new(Math.Max(0, PromptTokens - CachedTokens - CacheWriteTokens), CompletionTokens, CachedTokens, CacheWriteTokens);

    public static bool TryRead(JsonElement parent, out ChatCompletionUsage usage)
    {
        usage = default;
        if (parent.ValueKind != JsonValueKind.Object
            || !parent.TryGetProperty("usage"u8, out var u)
            || u.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var prompt = Int(u, "prompt_tokens"u8);
        var completion = Int(u, "completion_tokens"u8);
        var cached = u.TryGetProperty("prompt_tokens_details"u8, out var input) ? Int(input, "cached_tokens"u8) : 0;
        var reasoning = u.TryGetProperty("completion_tokens_details"u8, out var output) ? Int(output, "reasoning_tokens"u8) : 0;
        var total = u.TryGetProperty("total_tokens"u8, out var t) && t.ValueKind == JsonValueKind.Number && t.TryGetInt32(out var n)
            ? n
            : prompt + completion;
        usage = new ChatCompletionUsage(prompt, completion, cached, reasoning, total);
        return true;
    }

    /// <summary>The Responses <c>usage</c> object.</summary>
    internal void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("usage"u8);
        writer.WriteNumber("input_tokens"u8, PromptTokens);
        writer.WriteStartObject("input_tokens_details"u8);
        writer.WriteNumber("cached_tokens"u8, CachedTokens);
        writer.WriteEndObject();
        writer.WriteNumber("output_tokens"u8, CompletionTokens);
        writer.WriteStartObject("output_tokens_details"u8);
        writer.WriteNumber("reasoning_tokens"u8, ReasoningTokens);
        writer.WriteEndObject();
        writer.WriteNumber("total_tokens"u8, TotalTokens);
        writer.WriteEndObject();
    }

    private static int Int(JsonElement obj, ReadOnlySpan<byte> name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value)
            && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : 0;
}
