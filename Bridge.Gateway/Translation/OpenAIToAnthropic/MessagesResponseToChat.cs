using System.Buffers;
using System.Text.Json;

namespace Bridge.Gateway.Translation.OpenAIToAnthropic;

/// <summary>
/// Non-streaming Anthropic message -> OpenAI chat completion (docs/translation.md, section 2.4, reverse of
/// section 3). Text blocks are concatenated into <c>content</c> (null when there are none),
/// <c>thinking</c> blocks into <c>reasoning_content</c> (omitted when there are none; signatures and
/// <c>redacted_thinking</c> are dropped), <c>tool_use</c> blocks become <c>tool_calls</c> with the
/// Anthropic id unchanged (it is a valid OpenAI id and comes back unchanged through
/// <see cref="ToolCallIds.ToAnthropic"/>). Server tool blocks (<c>server_tool_use</c>, web search
/// results) have no Chat Completions form and are not shown. Stop reasons: <see cref="FinishReasons"/>.
/// </summary>
public static class MessagesResponseToChat
{
    public static ChatResponseTranslation Translate(JsonElement anthropicMessage, string requestedModel, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(requestedModel);
        ArgumentNullException.ThrowIfNull(output);

        if (anthropicMessage.ValueKind != JsonValueKind.Object)
        {
            return Failure("upstream response is not a JSON object", null);
        }

        if (anthropicMessage.TryGetProperty("type"u8, out var type) && type.ValueEquals("error"u8))
        {
            string? errorType = null, message = null;
            if (anthropicMessage.TryGetProperty("error"u8, out var error) && error.ValueKind == JsonValueKind.Object)
            {
                errorType = StringOrNull(error, "type"u8);
                message = StringOrNull(error, "message"u8);
            }

            return Failure(message ?? "upstream returned an error", errorType);
        }

        if (!anthropicMessage.TryGetProperty("content"u8, out var content) || content.ValueKind != JsonValueKind.Array)
        {
            return Failure("upstream response is not an Anthropic message (no content array)", null);
        }

        var usage = default(AnthropicUsage);
        if (anthropicMessage.TryGetProperty("usage"u8, out var usageElement))
        {
            usage.Update(usageElement);
        }

        var finishReason = FinishReasons.FromStopReason(StringOrNull(anthropicMessage, "stop_reason"u8));
        using var join = new RawJsonStringBuilder();

        using var writer = new Utf8JsonWriter(output, TranslationJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("id"u8, AnthropicIds.NewChatCompletionId());
        writer.WriteString("object"u8, "chat.completion"u8);
        writer.WriteNumber("created"u8, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        writer.WriteString("model"u8, requestedModel);
        writer.WriteStartArray("choices"u8);
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, 0);
        writer.WriteStartObject("message"u8);
        writer.WriteString("role"u8, "assistant"u8);

        writer.WritePropertyName("content"u8);
        if (!JoinBlocks(content, "text"u8, "text"u8, join))
        {
            writer.WriteNullValue();
        }
        else
        {
            join.WriteTo(writer);
        }

        var toolCalls = 0;
        ArrayBufferWriter<byte>? scratch = null;
        foreach (var block in content.EnumerateArray())
        {
            if (block.ValueKind != JsonValueKind.Object || !block.TryGetProperty("type"u8, out var blockType)
                || !blockType.ValueEquals("tool_use"u8))
            {
                continue;
            }

            if (toolCalls++ == 0)
            {
                writer.WriteStartArray("tool_calls"u8);
            }

            writer.WriteStartObject();
            writer.WriteString("id"u8, StringOrNull(block, "id"u8) ?? AnthropicIds.NewToolUseId());
            writer.WriteString("type"u8, "function"u8);
            writer.WriteStartObject("function"u8);
            writer.WriteString("name"u8, StringOrNull(block, "name"u8) ?? "");
            scratch ??= new ArrayBufferWriter<byte>(256);
            writer.WriteString("arguments"u8, CompactJson(block, scratch));
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        if (toolCalls > 0)
        {
            writer.WriteEndArray();
        }

        writer.WriteNull("refusal"u8);
        if (JoinBlocks(content, "thinking"u8, "thinking"u8, join))
        {
            writer.WritePropertyName("reasoning_content"u8);
            join.WriteTo(writer);
        }

        writer.WriteEndObject();
        writer.WriteString("finish_reason"u8, finishReason);
        writer.WriteNull("logprobs"u8);
        writer.WriteEndObject();
        writer.WriteEndArray();
        usage.Write(writer);
        writer.WriteEndObject();
        writer.Flush();

        return new ChatResponseTranslation(true, null, null, finishReason, usage.PromptTokens, usage.OutputTokens, usage.CacheReadTokens, usage.CacheCreationTokens);
    }

    private static ChatResponseTranslation Failure(string message, string? type) => new(false, message, type, null, 0, 0, 0);

    /// <summary>Concatenates the <paramref name="field"/> strings of blocks of <paramref name="blockType"/>; false when there are none.</summary>
    private static bool JoinBlocks(JsonElement content, ReadOnlySpan<byte> blockType, ReadOnlySpan<byte> field, RawJsonStringBuilder join)
    {
        var found = false;
        foreach (var block in content.EnumerateArray())
        {
            if (block.ValueKind == JsonValueKind.Object && block.TryGetProperty("type"u8, out var type) && type.ValueEquals(blockType)
                && block.TryGetProperty(field, out var text) && text.ValueKind == JsonValueKind.String)
            {
                if (!found)
                {
                    found = true;
                    join.Begin();
                }

                join.Append(text);
            }
        }

        return found;
    }

    /// <summary>The tool input as compact JSON (an absent input is <c>{}</c>).</summary>
    internal static ReadOnlySpan<byte> CompactJson(JsonElement toolUse, ArrayBufferWriter<byte> scratch)
    {
        scratch.ResetWrittenCount();
        using (var inner = new Utf8JsonWriter(scratch, TranslationJson.WriterOptions))
        {
            if (toolUse.TryGetProperty("input"u8, out var input) && input.ValueKind != JsonValueKind.Null)
            {
                input.WriteTo(inner);
            }
            else
            {
                inner.WriteStartObject();
                inner.WriteEndObject();
            }
        }

        return scratch.WrittenSpan;
    }

    internal static string? StringOrNull(JsonElement obj, ReadOnlySpan<byte> name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
