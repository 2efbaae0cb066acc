namespace Bridge.Gateway.Upstream;

/// <summary>
/// An upstream answer went past one of the gateway's size bounds (a non-streaming body, or one SSE line or event).
/// An <see cref="IOException"/>, so every relay treats it as a broken upstream: a 502 before the first byte, an error
/// event after it.
/// </summary>
public sealed class UpstreamTooLargeException(string what, long limit)
    : IOException($"upstream {what} exceeds the gateway's limit of {limit} bytes");
