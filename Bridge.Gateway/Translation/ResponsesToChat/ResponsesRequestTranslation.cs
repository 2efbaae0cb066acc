namespace Bridge.Gateway.Translation.ResponsesToChat;

/// <summary>
/// Outcome of <see cref="ResponsesToChatRequest.Translate"/>. When <see cref="Ok"/> is false the
/// output buffer holds partial data and must be discarded; answer 400 with the OpenAI envelope
/// (<c>invalid_request_error</c>, <see cref="ErrorMessage"/>, <c>param</c> = <see cref="ErrorParam"/>).
/// </summary>
public sealed class ResponsesRequestTranslation
{
    public bool Ok { get; init; }

    public string? ErrorMessage { get; init; }

    /// <summary>The offending request field in OpenAI's notation, e.g. <c>input[2].content[0]</c>; null when none applies.</summary>
    public string? ErrorParam { get; init; }

    public bool Stream { get; init; }

    /// <summary>The client's <c>model</c>; echoed in responses.</summary>
    public string RequestedModel { get; init; } = "";

    public ToolNameMap ToolNames { get; init; } = ToolNameMap.Empty;

    /// <summary>
    /// Upstream function names that stand for the client's <c>custom</c> (free-form) tools: calls to
    /// them go back to the client as <c>custom_tool_call</c> items (see <see cref="CustomToolInput"/>).
    /// </summary>
    public IReadOnlySet<string> CustomTools { get; init; } = EmptySet;

    /// <summary>Tools with no Chat Completions form (<c>web_search</c>, <c>tool_search</c>, ...), as <c>type</c> or <c>name (type)</c>.</summary>
    public IReadOnlyList<string> DroppedTools { get; init; } = [];

    /// <summary>
    /// The client's <c>previous_response_id</c>, not sent upstream (Chat Completions has no stored
    /// conversations): the caller must resolve it into input items, or refuse the request.
    /// </summary>
    public string? PreviousResponseId { get; init; }

    internal static readonly IReadOnlySet<string> EmptySet = new HashSet<string>();

    internal static ResponsesRequestTranslation Fail(string message, string? param, string requestedModel) =>
        new() { Ok = false, ErrorMessage = message, ErrorParam = param, RequestedModel = requestedModel };
}
