namespace Bridge.Gateway.Translation.OpenAIToAnthropic;

/// <summary>
/// Outcome of <see cref="ChatRequestToMessages.Translate"/>. When <see cref="Ok"/> is false the
/// output buffer holds partial data and must be discarded; answer 400 with the OpenAI envelope
/// (<c>invalid_request_error</c>, <see cref="ErrorMessage"/>, <c>param</c> = <see cref="ErrorParam"/>).
/// </summary>
public sealed class ChatRequestTranslation
{
    public bool Ok { get; init; }

    public string? ErrorMessage { get; init; }

    /// <summary>The offending request field in OpenAI's notation, e.g. <c>messages[2].content</c>; null when none applies.</summary>
    public string? ErrorParam { get; init; }

    public bool Stream { get; init; }

    /// <summary><c>stream_options.include_usage</c>: end the stream with a usage chunk.</summary>
    public bool IncludeUsage { get; init; }

    /// <summary>The client's <c>model</c>; echoed in responses.</summary>
    public string RequestedModel { get; init; } = "";

    /// <summary>The client's <c>n</c> (only null or 1 translate).</summary>
    public int? N { get; init; }

    /// <summary>
    /// A <c>reasoning_effort</c> was requested but no <c>thinking</c> was sent: the conversation is
    /// inside a tool loop whose assistant turn has no (signed) thinking block, which Anthropic rejects
    /// when thinking is on, <c>tool_choice</c> forces a tool, or the output limit left no room for the
    /// minimum budget.
    /// </summary>
    public bool ThinkingOmitted { get; init; }

    internal static ChatRequestTranslation Fail(string message, string? param, string requestedModel) =>
        new() { Ok = false, ErrorMessage = message, ErrorParam = param, RequestedModel = requestedModel };
}
