using System.Buffers;
using System.Text.Json;

namespace Bridge.Gateway.Translation.AnthropicToOpenAI;

/// <summary>
/// Non-streaming OpenAI chat completion -> Anthropic message (docs/translation.md, section 1.4).
/// Content order: thinking (from <c>reasoning_content</c>/<c>reasoning</c>, with an empty
/// <c>signature</c>), text, refusal text, tool_use blocks. Ids: a fresh <c>msg_</c> id; tool ids per
/// <see cref="ToolCallIds"/>. Tool arguments that are not a JSON object are kept under
/// <c>{"raw_arguments": "..."}</c> (an empty string becomes <c>{}</c>).
/// </summary>
public static class OpenAIToAnthropicResponse
{
    public static ResponseTranslation Translate(
        JsonElement openAIResponse,
        string requestedModel,
        ToolNameMap toolNames,
        IReadOnlyList<string> stopSequences,
        IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(toolNames);
        ArgumentNullException.ThrowIfNull(stopSequences);
        ArgumentNullException.ThrowIfNull(output);

        if (openAIResponse.ValueKind != JsonValueKind.Object)
        {
            return new ResponseTranslation(false, "upstream response is not a JSON object", null, 0, 0, 0);
        }

        if (openAIResponse.TryGetProperty("error"u8, out var error) && error.ValueKind == JsonValueKind.Object)
        {
            var message = error.TryGetProperty("message"u8, out var m) && m.ValueKind == JsonValueKind.String
                ? m.GetString()
                : "upstream returned an error";
            return new ResponseTranslation(false, message, null, 0, 0, 0, OpenAIErrorStatus.Of(error));
        }

        JsonElement message0 = default;
        string? finishReason = null;
        string? upstreamStop = null;
        if (openAIResponse.TryGetProperty("choices"u8, out var choices) && choices.ValueKind == JsonValueKind.Array
            && choices.GetArrayLength() > 0)
        {
            var choice = choices[0];
            if (choice.ValueKind == JsonValueKind.Object)
            {
                choice.TryGetProperty("message"u8, out message0);
                finishReason = StringOrNull(choice, "finish_reason"u8);
                upstreamStop = StringOrNull(choice, "stop_reason"u8);
            }
        }

        OpenAIUsage.TryRead(openAIResponse, out var usage);

        using var writer = new Utf8JsonWriter(output, TranslationJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("id"u8, AnthropicIds.NewMessageId());
        writer.WriteString("type"u8, "message"u8);
        writer.WriteString("role"u8, "assistant"u8);
        writer.WriteString("model"u8, requestedModel);
        writer.WriteStartArray("content"u8);

        var hasToolUse = false;
        if (message0.ValueKind == JsonValueKind.Object)
        {
            var reasoning = StringOrNull(message0, "reasoning_content"u8) ?? StringOrNull(message0, "reasoning"u8);
            if (!string.IsNullOrEmpty(reasoning))
            {
                writer.WriteStartObject();
                writer.WriteString("type"u8, "thinking"u8);
                writer.WriteString("thinking"u8, reasoning);
                writer.WriteString("signature"u8, ""u8);
                writer.WriteEndObject();
            }

            WriteTextBlock(writer, message0, "content"u8);
            WriteTextBlock(writer, message0, "refusal"u8);

            if (message0.TryGetProperty("tool_calls"u8, out var toolCalls) && toolCalls.ValueKind == JsonValueKind.Array)
            {
                foreach (var call in toolCalls.EnumerateArray())
                {
                    if (call.ValueKind != JsonValueKind.Object
                        || !call.TryGetProperty("function"u8, out var function)
                        || function.ValueKind != JsonValueKind.Object)
                    {
                        continue;
                    }

                    hasToolUse = true;
                    writer.WriteStartObject();
                    writer.WriteString("type"u8, "tool_use"u8);
                    writer.WriteString("id"u8, ToolCallIds.ToClient(StringOrNull(call, "id"u8)));
                    writer.WriteString("name"u8, toolNames.ToClient(StringOrNull(function, "name"u8) ?? ""));
                    writer.WritePropertyName("input"u8);
                    WriteArguments(writer, StringOrNull(function, "arguments"u8));
                    writer.WriteEndObject();
                }
            }
        }

        writer.WriteEndArray();

        var matched = finishReason == "stop" ? StopReasons.MatchStopSequence(upstreamStop, stopSequences) : null;
        var stopReason = StopReasons.FromFinishReason(finishReason, hasToolUse, matched);
        writer.WriteString("stop_reason"u8, stopReason);
        if (stopReason == "stop_sequence")
        {
            writer.WriteString("stop_sequence"u8, matched);
        }
        else
        {
            writer.WriteNull("stop_sequence"u8);
        }

        writer.WriteStartObject("usage"u8);
        writer.WriteNumber("input_tokens"u8, usage.InputTokens);
        writer.WriteNumber("cache_creation_input_tokens"u8, 0);
        writer.WriteNumber("cache_read_input_tokens"u8, usage.CachedTokens);
        writer.WriteNumber("output_tokens"u8, usage.CompletionTokens);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();

        return new ResponseTranslation(true, null, stopReason, usage.InputTokens, usage.CompletionTokens, usage.CachedTokens);
    }

    private static void WriteTextBlock(Utf8JsonWriter writer, JsonElement message, ReadOnlySpan<byte> property)
    {
        if (message.TryGetProperty(property, out var text) && text.ValueKind == JsonValueKind.String
            && text.GetString() is { Length: > 0 })
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "text"u8);
            writer.WritePropertyName("text"u8);
            text.WriteTo(writer);
            writer.WriteEndObject();
        }
    }

    /// <summary>Writes the tool input object from an OpenAI <c>arguments</c> string.</summary>
    internal static void WriteArguments(Utf8JsonWriter writer, string? arguments)
    {
        if (string.IsNullOrWhiteSpace(arguments))
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(arguments);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                document.RootElement.WriteTo(writer);
                return;
            }
        }
        catch (JsonException)
        {
        }

        writer.WriteStartObject();
        writer.WriteString("raw_arguments"u8, arguments);
        writer.WriteEndObject();
    }

    /// <summary>A property that is a string, read leniently (an upstream's broken character becomes U+FFFD); otherwise null.</summary>
    internal static string? StringOrNull(JsonElement obj, ReadOnlySpan<byte> name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? Json.JsonStrings.GetStringReplacingInvalid(value) : null;
}
