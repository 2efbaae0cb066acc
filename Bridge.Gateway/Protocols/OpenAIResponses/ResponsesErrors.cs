using System.Text.Json;
using Bridge.Gateway.Translation.AnthropicToOpenAI;

namespace Bridge.Gateway.Protocols.OpenAIResponses;

/// <summary>
/// Reads the three ways a Responses upstream reports a failure in a 200 answer or a stream:
/// an <c>{"error": {...}}</c> envelope, a response object with <c>status: "failed"</c> and its
/// <c>error</c> (<c>{code, message}</c>, also inside a <c>response.failed</c> event), and an
/// <c>error</c> stream event (<c>{type: "error", code, message, param}</c>). The status comes from
/// <see cref="OpenAIErrorStatus"/> (a numeric <c>code</c>, or 429 for a rate limit code).
/// </summary>
public static class ResponsesErrors
{
    public const string DefaultMessage = "upstream returned an error";

    /// <summary>
    /// True when <paramref name="body"/> is an error envelope or a failed response object; gives its message and status.
    /// A normal response object (with <c>"error": null</c>) is not an error.
    /// </summary>
    public static bool TryReadBody(JsonElement body, out string message, out int? status)
    {
        message = DefaultMessage;
        status = null;
        if (body.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var failed = body.TryGetProperty("status"u8, out var s) && s.ValueEquals("failed"u8);
        if (!body.TryGetProperty("error"u8, out var error) || error.ValueKind != JsonValueKind.Object)
        {
            return failed; // failed without details: still a failure.
        }

        message = Message(error);
        status = OpenAIErrorStatus.Of(error);
        return true;
    }

    /// <summary>The message and status of an <c>error</c> stream event (its fields are at the top level).</summary>
    public static (string Message, int? Status) ReadErrorEvent(JsonElement errorEvent)
    {
        // Some servers nest the details ({"type":"error","error":{...}}): read them where they are.
        var source = errorEvent.TryGetProperty("error"u8, out var nested) && nested.ValueKind == JsonValueKind.Object
            ? nested
            : errorEvent;
        return (Message(source), OpenAIErrorStatus.Of(source));
    }

    private static string Message(JsonElement error) =>
        error.TryGetProperty("message"u8, out var m) && m.ValueKind == JsonValueKind.String && m.GetString() is { Length: > 0 } text
            ? text
            : DefaultMessage;
}
