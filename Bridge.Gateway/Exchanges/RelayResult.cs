using Bridge.Gateway.Routing;
using Bridge.Gateway.Upstream;

namespace Bridge.Gateway.Exchanges;

/// <summary>
/// How relaying an upstream response ended. <see cref="Committed"/> means bytes reached the client, so the
/// request can no longer fail over; otherwise <see cref="Error"/> says what went wrong before the first byte.
/// </summary>
public readonly record struct RelayResult(bool Committed, FailureKind? Failure, UpstreamError? Error)
{
    public static RelayResult Sent => new(true, null, null);

    public static RelayResult NotSent(FailureKind failure, int status, string message) => new(false, failure, new UpstreamError(status, message, null));
}
