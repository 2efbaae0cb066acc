using Bridge.Gateway.Protocols.Anthropic;

namespace Bridge.Gateway.Relay;

/// <summary>The error type each client protocol gives a stream that ends with an error event.</summary>
public static class ClientErrorTypes
{
    public static string Anthropic(StreamErrorKind kind) => kind switch
    {
        StreamErrorKind.Timeout => "timeout_error",
        StreamErrorKind.RateLimit => AnthropicErrors.RateLimit,
        _ => AnthropicErrors.Api,
    };

    /// <summary>OpenAI has no timeout type: a timeout is a server error.</summary>
    public static string OpenAI(StreamErrorKind kind) => kind == StreamErrorKind.RateLimit ? "rate_limit_error" : "server_error";
}
