namespace Bridge.Gateway.Exchanges;

/// <summary>What the pairs whose client speaks the Responses API (Codex CLI, the SDKs' Responses clients) share.</summary>
internal static class ResponsesClient
{
    /// <summary>A Responses error event's code for a failure of the relay's kind.</summary>
    public static string ErrorCode(Relay.StreamErrorKind kind) => kind == Relay.StreamErrorKind.RateLimit ? "rate_limit_exceeded" : "server_error";
}
