using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Protocols.OpenAIResponses;
using Bridge.Gateway.Translation.AnthropicToOpenAI;

namespace Bridge.Gateway.Translation.AnthropicToResponses;

/// <summary>
/// Non-streaming Responses <c>response</c> object -> Anthropic message (docs/translation.md, section 6).
/// Output items in order: <c>reasoning</c> -> thinking (summary text, Bridge's signature carrying the
/// encrypted reasoning), <c>message</c> -> a text block per <c>output_text</c> or <c>refusal</c> part,
/// <c>function_call</c> -> tool_use (id per <see cref="ToolCallIds"/>, arguments parsed as on the Chat
/// path). Other items (the provider's own <c>web_search_call</c>, ...) have run upstream and are not
/// shown. A fresh <c>msg_</c> id; the model the client asked for.
/// </summary>
public static class ResponsesToAnthropicResponse
{
    public static ResponseTranslation Translate(
        JsonElement response,
        string requestedModel,
        ToolNameMap toolNames,
        byte[] signatureKey,
        IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(requestedModel);
        ArgumentNullException.ThrowIfNull(toolNames);
        ArgumentNullException.ThrowIfNull(signatureKey);
        ArgumentNullException.ThrowIfNull(output);

        if (response.ValueKind != JsonValueKind.Object)
        {
            return new ResponseTranslation(false, "upstream response is not a JSON object", null, 0, 0, 0);
        }

        if (ResponsesErrors.TryReadBody(response, out var errorMessage, out var errorStatus))
        {
            return new ResponseTranslation(false, errorMessage, null, 0, 0, 0, errorStatus);
        }

        if (!response.TryGetProperty("output"u8, out var items) || items.ValueKind != JsonValueKind.Array)
        {
            return new ResponseTranslation(false, "upstream response has no output", null, 0, 0, 0);
        }

        ResponsesUsage.TryRead(response, out var usage);

        using var writer = new Utf8JsonWriter(output, TranslationJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("id"u8, AnthropicIds.NewMessageId());
        writer.WriteString("type"u8, "message"u8);
        writer.WriteString("role"u8, "assistant"u8);
        writer.WriteString("model"u8, requestedModel);
        writer.WriteStartArray("content"u8);

        var hasToolUse = false;
        var hasRefusal = false;
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("type"u8, out var type))
            {
                continue;
            }

            if (type.ValueEquals(ResponsesItemTypes.Reasoning))
            {
                var thinking = ReasoningItems.SummaryText(item);
                var signature = ReasoningItems.Signature(item, signatureKey);
                if (thinking.Length > 0 || signature.Length > 0)
                {
                    writer.WriteStartObject();
                    writer.WriteString("type"u8, "thinking"u8);
                    writer.WriteString("thinking"u8, thinking);
                    writer.WriteString("signature"u8, signature);
                    writer.WriteEndObject();
                }
            }
            else if (type.ValueEquals(ResponsesItemTypes.Message))
            {
                hasRefusal |= WriteMessageParts(writer, item);
            }
            else if (type.ValueEquals(ResponsesItemTypes.FunctionCall))
            {
                hasToolUse = true;
                writer.WriteStartObject();
                writer.WriteString("type"u8, "tool_use"u8);
                writer.WriteString("id"u8, ToolCallIds.ToClient(OpenAIToAnthropicResponse.StringOrNull(item, "call_id"u8)));
                writer.WriteString("name"u8, toolNames.ToClient(OpenAIToAnthropicResponse.StringOrNull(item, "name"u8) ?? ""));
                writer.WritePropertyName("input"u8);
                OpenAIToAnthropicResponse.WriteArguments(writer, OpenAIToAnthropicResponse.StringOrNull(item, "arguments"u8));
                writer.WriteEndObject();
            }
        }

        writer.WriteEndArray();

        var status = OpenAIToAnthropicResponse.StringOrNull(response, "status"u8);
        var stopReason = ResponsesStopReasons.From(status, IncompleteReason(response), hasToolUse, hasRefusal);
        writer.WriteString("stop_reason"u8, stopReason);
        writer.WriteNull("stop_sequence"u8);
        writer.WriteStartObject("usage"u8);
        writer.WriteNumber("input_tokens"u8, usage.UncachedInputTokens);
        writer.WriteNumber("cache_creation_input_tokens"u8, 0);
        writer.WriteNumber("cache_read_input_tokens"u8, usage.CachedTokens);
        writer.WriteNumber("output_tokens"u8, usage.OutputTokens);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();

        return new ResponseTranslation(true, null, stopReason, usage.UncachedInputTokens, usage.OutputTokens, usage.CachedTokens);
    }

    /// <summary><c>incomplete_details.reason</c>, or null.</summary>
    internal static string? IncompleteReason(JsonElement response) =>
        response.TryGetProperty("incomplete_details"u8, out var details) && details.ValueKind == JsonValueKind.Object
            ? OpenAIToAnthropicResponse.StringOrNull(details, "reason"u8)
            : null;

    /// <summary>Writes a text block per non-empty output_text / refusal part; true when there was a refusal.</summary>
    private static bool WriteMessageParts(Utf8JsonWriter writer, JsonElement item)
    {
        if (!item.TryGetProperty("content"u8, out var content) || content.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        var refusal = false;
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type"u8, out var partType))
            {
                continue;
            }

            JsonElement text;
            if (partType.ValueEquals(ResponsesItemTypes.OutputText))
            {
                if (!part.TryGetProperty("text"u8, out text))
                {
                    continue;
                }
            }
            else if (partType.ValueEquals(ResponsesItemTypes.Refusal))
            {
                if (!part.TryGetProperty("refusal"u8, out text))
                {
                    continue;
                }

                refusal = true;
            }
            else
            {
                continue;
            }

            if (text.ValueKind == JsonValueKind.String && !text.ValueEquals(""u8))
            {
                writer.WriteStartObject();
                writer.WriteString("type"u8, "text"u8);
                writer.WritePropertyName("text"u8);
                text.WriteTo(writer);
                writer.WriteEndObject();
            }
        }

        return refusal;
    }
}
