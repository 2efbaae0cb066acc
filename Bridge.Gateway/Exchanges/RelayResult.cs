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

    /// <summary>
    /// An error inside a 200 answer (a JSON error body, or a stream's error before any content): nothing reached the
    /// client, so it can be answered like the
    /// plain error whose status it names, when that is trustworthy: a 429 (retried, and cooling the deployment as a
    /// plain 429 would), a 5xx, and a 4xx only when it says the prompt is too long or was filtered (so
    /// context-window and content-policy fallbacks work). Other 4xx in a stream are how some servers (vLLM) report
    /// their own faults, so they, like an error naming no status, become a 502 that may fail over.
    /// </summary>
    public static RelayResult ErrorInside200(int? status, string message)
    {
        if (status is { } named)
        {
            var kind = FailureClassifier.Classify(UpstreamFailure.Status, new UpstreamError(named, message, null));
            if (named >= 500 || kind is FailureKind.RateLimit or FailureKind.ContextWindow or FailureKind.ContentPolicy)
            {
                return NotSent(kind, named, message);
            }
        }
        return NotSent(FailureKind.ServerError, 502, message);
    }
}
