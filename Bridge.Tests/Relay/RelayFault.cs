namespace Bridge.Tests.Relay;

/// <summary>Something an upstream (or the client) does wrong during one attempt.</summary>
public enum RelayFault
{
    ConnectionRefused,
    RateLimited,
    ServerError,
    TimeoutBeforeHeaders,
    /// <summary>Headers, then nothing: the first-token timeout on a stream, the overall timeout on a whole body.</summary>
    FirstTokenTimeout,
    IdleTimeoutMidStream,
    ResetBeforeFirstByte,
    ResetAfterFirstByte,
    MalformedBody,
    /// <summary>A rate-limit error object inside a 200 (the first event of a stream, or the whole body).</summary>
    ErrorInside200,
    ClientDisconnectMidStream,
}
