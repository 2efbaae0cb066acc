using Bridge.Gateway.Protocols.OpenAIResponses;
using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Translation.AnthropicToOpenAI;
using Bridge.Gateway.Translation.OpenAIToAnthropic;
using Bridge.Gateway.Translation.ResponsesToChat;

namespace Bridge.Gateway.Translation.ResponsesToMessages;

/// <summary>
/// Non-streaming Anthropic message -> Responses <c>response</c> object (docs/translation.md, "Responses
/// client -> Anthropic deployment"). One output item per content block, in order: <c>thinking</c> and
/// <c>redacted_thinking</c> -> <c>reasoning</c> (<see cref="AnthropicThinkingItem"/>), consecutive
/// <c>text</c> blocks -> one <c>message</c> item, <c>tool_use</c> -> <c>function_call</c> (or
/// <c>custom_tool_call</c> for the client's free-form tools). Server tool blocks (web search) are
/// Anthropic's own bookkeeping: the answer's text carries the result, so they are left out.
/// </summary>
public static class MessagesToResponsesResponse
{
    public static ResponsesResponseTranslation Translate(
        JsonElement anthropicMessage, string requestedModel, IReadOnlySet<string> customTools, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(requestedModel);
        ArgumentNullException.ThrowIfNull(customTools);
        ArgumentNullException.ThrowIfNull(output);

        if (anthropicMessage.ValueKind != JsonValueKind.Object)
        {
            return new ResponsesResponseTranslation(false, "upstream response is not a JSON object", null, default);
        }

        if (anthropicMessage.TryGetProperty("error"u8, out var error) && error.ValueKind == JsonValueKind.Object)
        {
            var message = OpenAIToAnthropicResponse.StringOrNull(error, "message"u8) ?? "upstream returned an error";
            return new ResponsesResponseTranslation(false, message, null, default);
        }

        var anthropicUsage = default(AnthropicUsage);
        var usageReported = anthropicMessage.TryGetProperty("usage"u8, out var u) && u.ValueKind == JsonValueKind.Object;
        if (usageReported)
        {
            anthropicUsage.Update(u);
        }

        var usage = MessagesUsage.ToResponses(anthropicUsage);
        var (status, incompleteReason) = MessagesUsage.StatusOf(OpenAIToAnthropicResponse.StringOrNull(anthropicMessage, "stop_reason"u8));

        using var writer = new Utf8JsonWriter(output, TranslationJson.WriterOptions);
        ResponsesWire.WriteResponseStart(
            writer, ResponsesWire.NewResponseId(), DateTimeOffset.UtcNow.ToUnixTimeSeconds(), status, requestedModel, incompleteReason);
        writer.WriteStartArray("output"u8);
        if (anthropicMessage.TryGetProperty("content"u8, out var content) && content.ValueKind == JsonValueKind.Array)
        {
            string? text = null;
            foreach (var block in content.EnumerateArray())
            {
                var type = OpenAIToAnthropicResponse.StringOrNull(block, "type"u8);
                if (type == "text")
                {
                    text = string.Concat(text, OpenAIToAnthropicResponse.StringOrNull(block, "text"u8));
                    continue;
                }

                if (type is not ("thinking" or "redacted_thinking" or "tool_use"))
                {
                    continue; // server_tool_use, web_search_tool_result, unknown kinds.
                }

                FlushText(writer, ref text, status);
                switch (type)
                {
                    case "thinking":
                        AnthropicThinkingItem.Write(
                            writer,
                            ResponsesWire.NewReasoningId(),
                            OpenAIToAnthropicResponse.StringOrNull(block, "thinking"u8),
                            AnthropicThinkingItem.ForSignature(OpenAIToAnthropicResponse.StringOrNull(block, "signature"u8)));
                        break;
                    case "redacted_thinking":
                        AnthropicThinkingItem.Write(
                            writer, ResponsesWire.NewReasoningId(), null,
                            AnthropicThinkingItem.ForRedacted(OpenAIToAnthropicResponse.StringOrNull(block, "data"u8) ?? ""));
                        break;
                    default:
                        WriteToolCall(writer, block, customTools);
                        break;
                }
            }

            FlushText(writer, ref text, status);
        }

        writer.WriteEndArray();
        ResponsesWire.WriteResponseEnd(writer, usageReported ? usage : null);
        writer.Flush();
        return new ResponsesResponseTranslation(true, null, status, usage);
    }

    private static void FlushText(Utf8JsonWriter writer, ref string? text, string status)
    {
        if (!string.IsNullOrEmpty(text))
        {
            ResponsesWire.WriteMessageItem(writer, ResponsesWire.NewMessageId(), status, text);
        }

        text = null;
    }

    private static void WriteToolCall(Utf8JsonWriter writer, JsonElement block, IReadOnlySet<string> customTools)
    {
        var name = OpenAIToAnthropicResponse.StringOrNull(block, "name"u8) ?? "";
        var callId = OpenAIToAnthropicResponse.StringOrNull(block, "id"u8) is { Length: > 0 } id ? id : ResponsesWire.NewCallId();
        var arguments = block.TryGetProperty("input"u8, out var input) && input.ValueKind == JsonValueKind.Object ? input.GetRawText() : "{}";
        if (customTools.Contains(name))
        {
            ResponsesWire.WriteCustomToolCallItem(writer, ResponsesWire.NewCustomToolCallId(), callId, name, CustomToolInput.DecodeArguments(arguments));
        }
        else
        {
            ResponsesWire.WriteFunctionCallItem(writer, ResponsesWire.NewFunctionCallId(), "completed", callId, name, arguments);
        }
    }
}
