using System.Text.Json;
using Bridge.Gateway.Usage;

namespace Bridge.Gateway.Translation.OpenAIToAnthropic;

/// <summary>
/// Anthropic <c>usage</c> in OpenAI terms: prompt tokens include cache reads and cache writes
/// (Anthropic's <c>input_tokens</c> excludes both), cached tokens are the cache reads, and the cache writes are
/// also written apart as LiteLLM does (<c>usage.cache_creation_input_tokens</c>).
/// </summary>
public struct AnthropicUsage
{
    public int InputTokens;
    public int OutputTokens;
    public int CacheReadTokens;
    public int CacheCreationTokens;

    public readonly int PromptTokens => InputTokens + CacheReadTokens + CacheCreationTokens;

    /// <summary>What the gateway records and bills: the three input parts apart (each has its own price).</summary>
    public readonly TokenUsage ToTokenUsage() => new(InputTokens, OutputTokens, CacheReadTokens, CacheCreationTokens);

    /// <summary>Overwrites the counters present in <paramref name="usage"/> (stream events carry cumulative values).</summary>
    public void Update(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        Read(usage, "input_tokens"u8, ref InputTokens);
        Read(usage, "output_tokens"u8, ref OutputTokens);
        Read(usage, "cache_read_input_tokens"u8, ref CacheReadTokens);
        Read(usage, "cache_creation_input_tokens"u8, ref CacheCreationTokens);
    }

    public readonly void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("usage"u8);
        writer.WriteNumber("prompt_tokens"u8, PromptTokens);
        writer.WriteNumber("completion_tokens"u8, OutputTokens);
        writer.WriteNumber("total_tokens"u8, PromptTokens + OutputTokens);
        writer.WriteStartObject("prompt_tokens_details"u8);
        writer.WriteNumber("cached_tokens"u8, CacheReadTokens);
        writer.WriteEndObject();
        // OpenAI's usage has no field for cache writes; LiteLLM adds this one for Anthropic models (they are billed).
        writer.WriteNumber("cache_creation_input_tokens"u8, CacheCreationTokens);
        writer.WriteEndObject();
    }

    private static void Read(JsonElement usage, ReadOnlySpan<byte> name, ref int field)
    {
        if (usage.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n))
        {
            field = n;
        }
    }
}
