namespace Bridge.Gateway.Translation.AnthropicToOpenAI;

/// <summary>
/// Outcome of <see cref="AnthropicToOpenAIRequest.Translate"/>. When <see cref="Ok"/> is false the
/// output buffer holds partial data and must be discarded; answer 400 invalid_request_error with
/// <see cref="ErrorMessage"/>.
/// </summary>
public sealed class RequestTranslation
{
    public bool Ok { get; init; }

    /// <summary>Client error naming the field, e.g. <c>messages.3.content.0: unknown content block type 'foo'</c>.</summary>
    public string? ErrorMessage { get; init; }

    public bool Stream { get; init; }

    /// <summary>The client's <c>model</c>; echoed in responses.</summary>
    public string RequestedModel { get; init; } = "";

    public ToolNameMap ToolNames { get; init; } = ToolNameMap.Empty;

    /// <summary>All of the client's <c>stop_sequences</c> (only the first 4 go upstream; none for reasoning targets).</summary>
    public IReadOnlyList<string> StopSequences { get; init; } = [];

    /// <summary>Server tools that have no OpenAI form, as <c>name (type)</c>.</summary>
    public IReadOnlyList<string> DroppedTools { get; init; } = [];

    /// <summary>Client parameters the upstream protocol has no field for and that were left out (e.g. <c>stop_sequences</c> to a Responses deployment).</summary>
    public IReadOnlyList<string> DroppedParams { get; init; } = [];

    internal static RequestTranslation Fail(string message, string requestedModel) =>
        new() { Ok = false, ErrorMessage = message, RequestedModel = requestedModel };
}
