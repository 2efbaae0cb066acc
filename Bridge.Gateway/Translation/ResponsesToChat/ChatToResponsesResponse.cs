using Bridge.Gateway.Protocols.OpenAIResponses;
using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Translation.AnthropicToOpenAI;

namespace Bridge.Gateway.Translation.ResponsesToChat;

/// <summary>
/// Non-streaming Chat Completions answer -> Responses <c>response</c> object (docs/translation.md,
/// "Responses client -> Chat Completions deployment"). Output order: a <c>reasoning</c> item when the
/// server sent <c>reasoning_content</c>, one <c>message</c> item (content,
/// then refusal text) when there is text, then one item per tool call: <c>function_call</c>, or <c>custom_tool_call</c> for the client's
/// free-form tools (<see cref="CustomToolInput"/>). Only <c>choices[0]</c> is used.
/// </summary>
public static class ChatToResponsesResponse
{
    public static ResponsesResponseTranslation Translate(
        JsonElement chatResponse,
        string requestedModel,
        ToolNameMap toolNames,
        IReadOnlySet<string> customTools,
        IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(requestedModel);
        ArgumentNullException.ThrowIfNull(toolNames);
        ArgumentNullException.ThrowIfNull(customTools);
        ArgumentNullException.ThrowIfNull(output);

        if (chatResponse.ValueKind != JsonValueKind.Object)
        {
            return new ResponsesResponseTranslation(false, "upstream response is not a JSON object", null, default);
        }

        if (chatResponse.TryGetProperty("error"u8, out var error) && error.ValueKind == JsonValueKind.Object)
        {
            var message = OpenAIToAnthropicResponse.StringOrNull(error, "message"u8) ?? "upstream returned an error";
            return new ResponsesResponseTranslation(false, message, null, default, OpenAIErrorStatus.Of(error));
        }

        JsonElement message0 = default;
        string? finishReason = null;
        if (chatResponse.TryGetProperty("choices"u8, out var choices) && choices.ValueKind == JsonValueKind.Array
            && choices.GetArrayLength() > 0 && choices[0].ValueKind == JsonValueKind.Object)
        {
            choices[0].TryGetProperty("message"u8, out message0);
            finishReason = OpenAIToAnthropicResponse.StringOrNull(choices[0], "finish_reason"u8);
        }

        var usageReported = ChatCompletionUsage.TryRead(chatResponse, out var usage);
        var createdAt = chatResponse.TryGetProperty("created"u8, out var created) && created.ValueKind == JsonValueKind.Number
            && created.TryGetInt64(out var seconds)
            ? seconds
            : DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var (status, incompleteReason) = ResponsesWire.StatusOf(finishReason);

        using var writer = new Utf8JsonWriter(output, TranslationJson.WriterOptions);
        ResponsesWire.WriteResponseStart(writer, ResponsesWire.NewResponseId(), createdAt, status, requestedModel, incompleteReason);
        writer.WriteStartArray("output"u8);
        if (message0.ValueKind == JsonValueKind.Object)
        {
            // reasoning_content (DeepSeek, vLLM; "reasoning" on some servers) is shown as a reasoning summary.
            var reasoning = OpenAIToAnthropicResponse.StringOrNull(message0, "reasoning_content"u8)
                ?? OpenAIToAnthropicResponse.StringOrNull(message0, "reasoning"u8);
            if (!string.IsNullOrEmpty(reasoning))
            {
                ResponsesWire.WriteReasoningItem(writer, ResponsesWire.NewReasoningId(), reasoning);
            }

            // Refusals (structured outputs) have no place of their own here: shown as text, as on the Anthropic path.
            var text = string.Concat(
                OpenAIToAnthropicResponse.StringOrNull(message0, "content"u8),
                OpenAIToAnthropicResponse.StringOrNull(message0, "refusal"u8));
            if (text.Length > 0)
            {
                ResponsesWire.WriteMessageItem(writer, ResponsesWire.NewMessageId(), status, text);
            }

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

                    var upstreamName = OpenAIToAnthropicResponse.StringOrNull(function, "name"u8) ?? "";
                    var callId = OpenAIToAnthropicResponse.StringOrNull(call, "id"u8) is { Length: > 0 } id ? id : ResponsesWire.NewCallId();
                    var arguments = OpenAIToAnthropicResponse.StringOrNull(function, "arguments"u8) ?? "";
                    var name = toolNames.ToClient(upstreamName);
                    if (customTools.Contains(upstreamName))
                    {
                        ResponsesWire.WriteCustomToolCallItem(writer, ResponsesWire.NewCustomToolCallId(), callId, name, CustomToolInput.DecodeArguments(arguments));
                    }
                    else
                    {
                        ResponsesWire.WriteFunctionCallItem(writer, ResponsesWire.NewFunctionCallId(), "completed", callId, name, arguments);
                    }
                }
            }
        }

        writer.WriteEndArray();
        ResponsesWire.WriteResponseEnd(writer, usageReported ? usage : null);
        writer.Flush();
        return new ResponsesResponseTranslation(true, null, status, usage);
    }
}
