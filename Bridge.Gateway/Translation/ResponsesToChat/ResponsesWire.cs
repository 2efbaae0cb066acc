using System.Text.Json;

namespace Bridge.Gateway.Translation.ResponsesToChat;

/// <summary>
/// The pieces of the Responses API's wire format these translators write: the <c>response</c> object and
/// its output items, shaped as OpenAI documents them (and as the official SDKs read them).
/// </summary>
internal static class ResponsesWire
{
    public static string NewResponseId() => AnthropicIds.WithPrefix("resp_", 32);

    public static string NewMessageId() => AnthropicIds.WithPrefix("msg_", 32);

    public static string NewReasoningId() => AnthropicIds.WithPrefix("rs_", 32);

    public static string NewFunctionCallId() => AnthropicIds.WithPrefix("fc_", 32);

    public static string NewCustomToolCallId() => AnthropicIds.WithPrefix("ctc_", 32);

    /// <summary>A call id for an upstream tool call that came without one.</summary>
    public static string NewCallId() => AnthropicIds.WithPrefix("call_", 24);

    /// <summary>
    /// Opens the <c>response</c> object and writes everything before <c>output</c>; the caller writes the
    /// <c>output</c> array, then calls <see cref="WriteResponseEnd"/>.
    /// </summary>
    public static void WriteResponseStart(
        Utf8JsonWriter w, string id, long createdAt, string status, string model,
        string? incompleteReason = null, string? errorCode = null, string? errorMessage = null)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, id);
        w.WriteString("object"u8, "response"u8);
        w.WriteNumber("created_at"u8, createdAt);
        w.WriteString("status"u8, status);
        if (errorCode is not null)
        {
            w.WriteStartObject("error"u8);
            w.WriteString("code"u8, errorCode);
            w.WriteString("message"u8, errorMessage ?? "");
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("error"u8);
        }

        if (incompleteReason is not null)
        {
            w.WriteStartObject("incomplete_details"u8);
            w.WriteString("reason"u8, incompleteReason);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("incomplete_details"u8);
        }

        w.WriteString("model"u8, model);
    }

    public static void WriteResponseEnd(Utf8JsonWriter w, ChatCompletionUsage? usage)
    {
        if (usage is { } u)
        {
            u.WriteTo(w);
        }
        else
        {
            w.WriteNull("usage"u8);
        }

        w.WriteEndObject();
    }

    /// <summary>An assistant <c>message</c> item; <paramref name="text"/> null writes no content part yet.</summary>
    public static void WriteMessageItem(Utf8JsonWriter w, string id, string status, string? text)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, id);
        w.WriteString("type"u8, "message"u8);
        w.WriteString("status"u8, status);
        w.WriteString("role"u8, "assistant"u8);
        w.WriteStartArray("content"u8);
        if (text is not null)
        {
            WriteOutputTextPart(w, text);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void WriteOutputTextPart(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString("type"u8, "output_text"u8);
        w.WriteString("text"u8, text);
        w.WriteStartArray("annotations"u8);
        w.WriteEndArray();
        w.WriteStartArray("logprobs"u8);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>
    /// A <c>reasoning</c> item carrying an OpenAI-compatible server's <c>reasoning_content</c> as its summary
    /// (what Responses clients show); <paramref name="text"/> null writes an empty summary. No
    /// <c>encrypted_content</c>: there is nothing to send back to a Chat deployment.
    /// </summary>
    public static void WriteReasoningItem(Utf8JsonWriter w, string id, string? text)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, id);
        w.WriteString("type"u8, "reasoning"u8);
        w.WriteStartArray("summary"u8);
        if (text is not null)
        {
            WriteSummaryTextPart(w, text);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void WriteSummaryTextPart(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString("type"u8, "summary_text"u8);
        w.WriteString("text"u8, text);
        w.WriteEndObject();
    }

    public static void WriteFunctionCallItem(Utf8JsonWriter w, string id, string status, string callId, string name, string arguments)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, id);
        w.WriteString("type"u8, "function_call"u8);
        w.WriteString("status"u8, status);
        w.WriteString("arguments"u8, arguments);
        w.WriteString("call_id"u8, callId);
        w.WriteString("name"u8, name);
        w.WriteEndObject();
    }

    public static void WriteCustomToolCallItem(Utf8JsonWriter w, string id, string callId, string name, string input)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, id);
        w.WriteString("type"u8, "custom_tool_call"u8);
        w.WriteString("call_id"u8, callId);
        w.WriteString("name"u8, name);
        w.WriteString("input"u8, input);
        w.WriteEndObject();
    }

    /// <summary>Responses status for a Chat <c>finish_reason</c>: (status, incomplete_details.reason).</summary>
    public static (string Status, string? IncompleteReason) StatusOf(string? finishReason) => finishReason switch
    {
        "length" => ("incomplete", "max_output_tokens"),
        "content_filter" => ("incomplete", "content_filter"),
        _ => ("completed", null),
    };
}
