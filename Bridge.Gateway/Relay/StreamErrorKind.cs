namespace Bridge.Gateway.Relay;

/// <summary>Why a stream is ended with an error event after its first byte; each client protocol names it its own way.</summary>
public enum StreamErrorKind : byte
{
    /// <summary>The upstream broke, ended early, or reported a server error.</summary>
    Server,
    /// <summary>The upstream went silent past a timeout.</summary>
    Timeout,
    /// <summary>The upstream reported a rate limit inside the stream.</summary>
    RateLimit,
}
