using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Protocols.OpenAIResponses;
using Bridge.Gateway.Translation.AnthropicToOpenAI;
using Bridge.Gateway.Translation.AnthropicToResponses;
using Bridge.Gateway.Translation.OpenAIToAnthropic;

namespace Bridge.Gateway.Translation.ChatToResponses;

/// <summary>
/// Non-streaming Responses <c>response</c> object -> OpenAI chat completion (docs/translation.md, section 9).
/// <c>output_text</c> parts are concatenated into <c>content</c> (null when there are none), <c>refusal</c>
/// parts into <c>refusal</c>, reasoning summaries into <c>reasoning_content</c> (as the Anthropic -> Chat
/// translator writes thinking; omitted when there is none; the encrypted reasoning is not shown),
/// output_text <c>logprobs</c> (when asked for) become <c>logprobs.content</c>,
/// <c>function_call</c> items become <c>tool_calls</c> with the upstream's <c>call_id</c> as id (it comes back
/// unchanged as <c>tool_call_id</c>), <c>custom_tool_call</c> items custom tool calls. Other items (the
/// provider's own <c>web_search_call</c>...) ran upstream and are not shown. <c>finish_reason</c>:
/// <see cref="ResponsesStopReasons"/> read through <see cref="FinishReasons"/> (<c>length</c> for
/// <c>max_output_tokens</c>, <c>content_filter</c>, <c>tool_calls</c>, else <c>stop</c>).
/// </summary>
public static class ResponsesResponseToChat
{
    public static ChatFromResponsesTranslation Translate(JsonElement response, string requestedModel, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(requestedModel);
        ArgumentNullException.ThrowIfNull(output);

        if (response.ValueKind != JsonValueKind.Object)
        {
            return Failure("upstream response is not a JSON object", null);
        }

        if (ResponsesErrors.TryReadBody(response, out var errorMessage, out var errorStatus))
        {
            return Failure(errorMessage, errorStatus);
        }

        if (!response.TryGetProperty("output"u8, out var items) || items.ValueKind != JsonValueKind.Array)
        {
            return Failure("upstream response has no output", null);
        }

        ResponsesUsage.TryRead(response, out var usage);
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
        if (JoinParts(items, ResponsesItemTypes.OutputText, "text"u8, join))
        {
            join.WriteTo(writer);
        }
        else
        {
            writer.WriteNullValue();
        }

        var toolCalls = WriteToolCalls(writer, items);

        writer.WritePropertyName("refusal"u8);
        if (JoinParts(items, ResponsesItemTypes.Refusal, "refusal"u8, join))
        {
            join.WriteTo(writer);
        }
        else
        {
            writer.WriteNullValue();
        }

        var reasoning = ReasoningSummaries(items);
        if (reasoning.Length > 0)
        {
            writer.WriteString("reasoning_content"u8, reasoning);
        }

        writer.WriteEndObject();
        var status = OpenAIToAnthropicResponse.StringOrNull(response, "status"u8);
        var finishReason = FinishReasons.FromStopReason(
            ResponsesStopReasons.From(status, ResponsesToAnthropicResponse.IncompleteReason(response), toolCalls > 0, hasRefusal: false));
        writer.WriteString("finish_reason"u8, finishReason);
        WriteLogprobs(writer, items);
        writer.WriteEndObject();
        writer.WriteEndArray();
        ChatUsage.Write(writer, usage);
        writer.WriteEndObject();
        writer.Flush();

        return new ChatFromResponsesTranslation(
            true, null, null, finishReason, usage.InputTokens, usage.OutputTokens, usage.CachedTokens, usage.ReasoningTokens);
    }

    private static ChatFromResponsesTranslation Failure(string message, int? status) => new(false, message, status, null, 0, 0, 0, 0);

    private static int WriteToolCalls(Utf8JsonWriter writer, JsonElement items)
    {
        var count = 0;
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("type"u8, out var type))
            {
                continue;
            }

            var custom = type.ValueEquals("custom_tool_call"u8);
            if (!custom && !type.ValueEquals(ResponsesItemTypes.FunctionCall))
            {
                continue;
            }

            if (count++ == 0)
            {
                writer.WriteStartArray("tool_calls"u8);
            }

            writer.WriteStartObject();
            writer.WriteString("id"u8, OpenAIToAnthropicResponse.StringOrNull(item, "call_id"u8) ?? AnthropicIds.NewToolUseId());
            writer.WriteString("type"u8, custom ? "custom"u8 : "function"u8);
            writer.WriteStartObject(custom ? "custom"u8 : "function"u8);
            writer.WriteString("name"u8, OpenAIToAnthropicResponse.StringOrNull(item, "name"u8) ?? "");
            if (custom)
            {
                writer.WriteString("input"u8, OpenAIToAnthropicResponse.StringOrNull(item, "input"u8) ?? "");
            }
            else
            {
                writer.WriteString("arguments"u8, OpenAIToAnthropicResponse.StringOrNull(item, "arguments"u8) ?? "{}");
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        if (count > 0)
        {
            writer.WriteEndArray();
        }

        return count;
    }

    /// <summary>Concatenates <paramref name="field"/> of every message part of <paramref name="partType"/>; false when there are none.</summary>
    private static bool JoinParts(JsonElement items, string partType, ReadOnlySpan<byte> field, RawJsonStringBuilder join)
    {
        var found = false;
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("type"u8, out var type)
                || !type.ValueEquals(ResponsesItemTypes.Message)
                || !item.TryGetProperty("content"u8, out var content) || content.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var part in content.EnumerateArray())
            {
                if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type"u8, out var t) && t.ValueEquals(partType)
                    && part.TryGetProperty(field, out var text) && text.ValueKind == JsonValueKind.String)
                {
                    if (!found)
                    {
                        found = true;
                        join.Begin();
                    }

                    join.Append(text);
                }
            }
        }

        return found;
    }

    /// <summary>
    /// <c>logprobs: {content: [...], refusal: null}</c> from the output_text parts' <c>logprobs</c> (present when the
    /// request asked for them; the entries have Chat's shape: token, logprob, bytes, top_logprobs), else null.
    /// </summary>
    private static void WriteLogprobs(Utf8JsonWriter writer, JsonElement items)
    {
        var found = false;
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("type"u8, out var type)
                || !type.ValueEquals(ResponsesItemTypes.Message)
                || !item.TryGetProperty("content"u8, out var content) || content.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var part in content.EnumerateArray())
            {
                if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type"u8, out var t) || !t.ValueEquals(ResponsesItemTypes.OutputText)
                    || !part.TryGetProperty("logprobs"u8, out var logprobs) || logprobs.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                foreach (var entry in logprobs.EnumerateArray())
                {
                    if (!found)
                    {
                        found = true;
                        writer.WriteStartObject("logprobs"u8);
                        writer.WriteStartArray("content"u8);
                    }

                    entry.WriteTo(writer);
                }
            }
        }

        if (found)
        {
            writer.WriteEndArray();
            writer.WriteNull("refusal"u8);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("logprobs"u8);
        }
    }

    /// <summary>Every reasoning item's summary, items and parts separated by a blank line.</summary>
    private static string ReasoningSummaries(JsonElement items)
    {
        string? result = null;
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("type"u8, out var type)
                && type.ValueEquals(ResponsesItemTypes.Reasoning) && ReasoningItems.SummaryText(item) is { Length: > 0 } summary)
            {
                result = result is null ? summary : result + ReasoningItems.PartSeparator + summary;
            }
        }

        return result ?? "";
    }
}
