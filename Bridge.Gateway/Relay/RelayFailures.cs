using Bridge.Gateway.Pipeline;
using Bridge.Gateway.Routing;
using Bridge.Gateway.Upstream;

namespace Bridge.Gateway.Relay;

/// <summary>
/// The one classification of what goes wrong while an answer is relayed, used by every protocol pair (failures
/// before the upstream's headers are <see cref="FailureClassifier"/>'s): the same fault gives the same status, the
/// same <see cref="FailureKind"/> (hence the same retry budget and cooldown) and the same error event on every pair.
/// </summary>
public static class RelayFailures
{
    /// <summary>The upstream failures a relay handles: timeouts, broken connections, cancelled reads. Anything else is a bug.</summary>
    public static bool IsUpstreamFailure(Exception ex) =>
        ex is StreamTimeoutException or HttpRequestException or IOException or OperationCanceledException;

    /// <summary>
    /// The upstream failed after its headers but before anything reached the client: a broken connection is a 502
    /// (<see cref="FailureKind.Connection"/>), a timeout (first token, idle or overall) a 504
    /// (<see cref="FailureKind.Timeout"/>), as when the headers themselves never came.
    /// </summary>
    public static AttemptOutcome BeforeFirstByte(string deploymentId, Exception ex)
    {
        var message = $"{deploymentId}: upstream failed before its first byte: {UpstreamFailureText.Of(ex)}";
        return ex is HttpRequestException or IOException
            ? AttemptOutcome.Failed(FailureKind.Connection, 502, message)
            : AttemptOutcome.Failed(FailureKind.Timeout, 504, message);
    }

    /// <summary>How a stream that broke after its first byte is ended for the client.</summary>
    public static StreamErrorKind AfterFirstByte(Exception ex) =>
        ex is StreamTimeoutException or OperationCanceledException ? StreamErrorKind.Timeout : StreamErrorKind.Server;

    /// <summary>How an upstream's in-stream error after the first byte is passed on.</summary>
    public static StreamErrorKind ForStatus(int? status) => status == 429 ? StreamErrorKind.RateLimit : StreamErrorKind.Server;

    /// <summary>A 200 whose body (or first stream item) is not the JSON its protocol promises: a server fault, 502.</summary>
    public static AttemptOutcome Malformed(string deploymentId) =>
        AttemptOutcome.Failed(FailureKind.ServerError, 502, $"{deploymentId}: upstream returned a body that is not valid JSON.");

    /// <summary>A stream that ended before anything worth sending.</summary>
    public static AttemptOutcome EndedEmpty(string deploymentId) =>
        AttemptOutcome.Failed(FailureKind.Connection, 502, $"{deploymentId}: upstream stream ended before any content.");

    /// <summary>
    /// An error inside a 200 answer (a JSON error body, or a stream's error before any content): nothing reached the
    /// client, so it can be answered like the plain error whose status it names, when that is trustworthy: a 429
    /// (retried, and cooling the deployment as a plain 429 would), a 5xx, and a 4xx only when it says the prompt is
    /// too long or was filtered (so context-window and content-policy fallbacks work). Other 4xx in a stream are how
    /// some servers (vLLM) report their own faults, so they, like an error naming no status, become a 502 that may
    /// fail over.
    /// </summary>
    public static AttemptOutcome ErrorInside200(int? status, string message)
    {
        if (status is { } named)
        {
            var kind = FailureClassifier.Classify(UpstreamFailure.Status, new UpstreamError(named, message, null));
            if (named >= 500 || kind is FailureKind.RateLimit or FailureKind.ContextWindow or FailureKind.ContentPolicy)
            {
                return AttemptOutcome.Failed(kind, named, message);
            }
        }
        return AttemptOutcome.Failed(FailureKind.ServerError, 502, message);
    }
}
