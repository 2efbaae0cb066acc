using Bridge.Gateway.Routing;
using Bridge.Gateway.Upstream;
using Bridge.Gateway.Usage;

namespace Bridge.Gateway.Relay;

/// <summary>
/// How one attempt ended, returned as a value. Not <see cref="Committed"/> with a <see cref="Failure"/>: nothing
/// reached the client and <see cref="Error"/> says what went wrong, so the pipeline may try another deployment.
/// <see cref="Committed"/> with a <see cref="Failure"/>: the upstream broke after the first byte (the client got an
/// error event); the deployment is charged with it but nothing is retried. No failure: answered, or the client left.
/// The usage fields describe what was relayed, for billing and traces.
/// </summary>
public readonly record struct AttemptOutcome(
    bool Committed,
    FailureKind? Failure,
    UpstreamError? Error,
    TokenUsage? Usage = null,
    bool UsageFinal = true,
    string? FinishReason = null,
    int ChunksRelayed = 0,
    TimeSpan? TimeToFirstByte = null,
    TimeSpan UpstreamWait = default)
{
    /// <summary>The request is over without a failure to retry: answered, or the client left.</summary>
    public static AttemptOutcome Finished => new(true, null, null);

    public static AttemptOutcome Failed(FailureKind kind, UpstreamError error) => new(false, kind, error);

    public static AttemptOutcome Failed(FailureKind kind, int status, string message) => new(false, kind, new UpstreamError(status, message, null));
}
