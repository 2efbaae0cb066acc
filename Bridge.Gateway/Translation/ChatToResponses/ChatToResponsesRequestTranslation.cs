namespace Bridge.Gateway.Translation.ChatToResponses;

/// <summary>
/// Outcome of <see cref="ChatToResponsesRequest.Translate"/>. When <see cref="Ok"/> is false the output
/// buffer holds partial data and must be discarded; answer 400 with the OpenAI envelope
/// (<c>invalid_request_error</c>, <see cref="ErrorMessage"/>, <c>param</c> = <see cref="ErrorParam"/>).
/// </summary>
public sealed class ChatToResponsesRequestTranslation
{
    public bool Ok { get; init; }

    public string? ErrorMessage { get; init; }

    /// <summary>The offending request field in OpenAI's notation, e.g. <c>messages[2].content[0]</c>; null when none applies.</summary>
    public string? ErrorParam { get; init; }

    public bool Stream { get; init; }

    /// <summary><c>stream_options.include_usage</c>: end the chat stream with a usage chunk.</summary>
    public bool IncludeUsage { get; init; }

    /// <summary>The client's <c>model</c>; echoed in responses.</summary>
    public string RequestedModel { get; init; } = "";

    /// <summary>
    /// Client parameters validated but not sent because the Responses API has no counterpart
    /// (<c>stop</c>, <c>logprobs</c>, <c>seed</c>, penalties...); the gateway names them in a header and a log line.
    /// </summary>
    public IReadOnlyList<string> DroppedParams { get; init; } = [];

    internal static ChatToResponsesRequestTranslation Fail(string message, string? param, string requestedModel) =>
        new() { Ok = false, ErrorMessage = message, ErrorParam = param, RequestedModel = requestedModel };
}
