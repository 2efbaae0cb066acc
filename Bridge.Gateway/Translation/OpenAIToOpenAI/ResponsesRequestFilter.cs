using Bridge.Gateway.Json;
using System.Buffers;
using System.Text.Json;

namespace Bridge.Gateway.Translation.OpenAIToOpenAI;

/// <summary>
/// A Responses request forwarded to a Responses deployment (docs/translation.md section 3): every field copied as the
/// client's bytes except <c>model</c> (the deployment's), the keys in <c>additional_drop_params</c>, an output limit
/// above the deployment's cap (lowered to it), and with <c>drop_params</c> what the deployment's kind rejects
/// (<c>reasoning</c> on a non-reasoning model; <c>temperature</c> and <c>top_p</c> on a reasoning one), and the
/// session's <c>prompt_cache_key</c> when the client sent none.
/// <para>
/// When the gateway keeps the conversation itself (<paramref name="gatewayStores"/>), the upstream is asked to keep
/// nothing (<c>store: false</c>) and, on a reasoning model, to return its reasoning encrypted
/// (<c>include: ["reasoning.encrypted_content"]</c>) so the next turn can send it back to any deployment.
/// </para>
/// </summary>
public static class ResponsesRequestFilter
{
    private const string EncryptedReasoning = "reasoning.encrypted_content";

    public static void Apply(TapeElement root, OpenAITarget target, bool gatewayStores, IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        var wroteModel = false;
        var wroteStore = false;
        var wroteInclude = false;
        var wroteCacheKey = false;
        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            if (property.NameEquals("model"u8))
            {
                writer.WriteString("model"u8, target.Model);
                wroteModel = true;
                continue;
            }
            if (Dropped(property.Name, target)) continue;
            wroteCacheKey |= property.NameEquals("prompt_cache_key"u8) && value.ValueKind != JsonValueKind.Null;
            if (gatewayStores && property.NameEquals("store"u8))
            {
                writer.WriteBoolean("store"u8, false);
                wroteStore = true;
                continue;
            }
            if (gatewayStores && target.IsReasoningModel && property.NameEquals("include"u8) && value.ValueKind == JsonValueKind.Array)
            {
                WriteInclude(writer, value);
                wroteInclude = true;
                continue;
            }
            if (property.NameEquals("max_output_tokens"u8) && target.MaxOutputTokens is { } cap
                && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var asked) && asked > cap)
            {
                writer.WriteNumber("max_output_tokens"u8, cap);
                continue;
            }
            writer.WritePropertyName(property.Name);
            writer.WriteRawValue(value.RawUtf8, skipInputValidation: true);
        }
        if (!wroteModel) writer.WriteString("model"u8, target.Model);
        // The session's cache key, unless the client chose its own (Codex does) or the deployment drops the field.
        if (!wroteCacheKey && target.PromptCacheKey is { } cacheKey && !Dropped("prompt_cache_key", target)) writer.WriteString("prompt_cache_key"u8, cacheKey);
        if (gatewayStores && !wroteStore) writer.WriteBoolean("store"u8, false);
        if (gatewayStores && target.IsReasoningModel && !wroteInclude)
        {
            writer.WriteStartArray("include"u8);
            writer.WriteStringValue(EncryptedReasoning);
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }

    private static bool Dropped(string name, OpenAITarget target)
    {
        if (target.AdditionalDropParams.Contains(name)) return true;
        if (!target.DropParams) return false;
        return target.IsReasoningModel ? name is "temperature" or "top_p" : name == "reasoning";
    }

    /// <summary>The client's <c>include</c> with the encrypted reasoning added when it is not there.</summary>
    private static void WriteInclude(Utf8JsonWriter writer, TapeElement include)
    {
        writer.WriteStartArray("include"u8);
        var present = false;
        foreach (var entry in include.EnumerateArray())
        {
            present |= entry.ValueKind == JsonValueKind.String && entry.ValueEquals(EncryptedReasoning);
            writer.WriteRawValue(entry.RawUtf8, skipInputValidation: true);
        }
        if (!present) writer.WriteStringValue(EncryptedReasoning);
        writer.WriteEndArray();
    }
}
