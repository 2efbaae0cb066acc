using Bridge.Gateway.Upstream;

namespace Bridge.Gateway.Routing;

/// <summary>Sorts upstream failures into the kinds retries, fallbacks and cooldowns care about.</summary>
public static class FailureClassifier
{
    private static readonly string[] ContextWindowMarkers =
        ["context_length_exceeded", "maximum context length", "context window", "prompt is too long", "too many tokens", "reduce the length"];

    private static readonly string[] ContentPolicyMarkers =
        ["content_filter", "content_policy", "content management policy", "responsibleaipolicyviolation", "safety system"];

    public static FailureKind Classify(UpstreamFailure failure, UpstreamError? error) => failure switch
    {
        UpstreamFailure.Timeout => FailureKind.Timeout,
        UpstreamFailure.Connection => FailureKind.Connection,
        _ => error?.StatusCode switch
        {
            429 => FailureKind.RateLimit,
            408 or 504 => FailureKind.Timeout,
            401 or 403 => FailureKind.Authentication,
            // The deployment itself is missing or misnamed upstream: another deployment may serve.
            404 => FailureKind.ServerError,
            400 or 413 or 422 when Mentions(error.Message, ContextWindowMarkers) => FailureKind.ContextWindow,
            400 or 422 when Mentions(error.Message, ContentPolicyMarkers) => FailureKind.ContentPolicy,
            >= 400 and < 500 => FailureKind.BadRequest,
            _ => FailureKind.ServerError,
        },
    };

    /// <summary>The <c>retry_policy</c> name of a kind.</summary>
    public static string PolicyName(FailureKind kind) => kind switch
    {
        FailureKind.RateLimit => "RateLimitErrorRetries",
        FailureKind.Timeout => "TimeoutErrorRetries",
        FailureKind.ContentPolicy => "ContentPolicyViolationErrorRetries",
        FailureKind.Authentication => "AuthenticationErrorRetries",
        FailureKind.BadRequest or FailureKind.ContextWindow => "BadRequestErrorRetries",
        _ => "InternalServerErrorRetries",
    };

    private static bool Mentions(string message, string[] markers)
    {
        foreach (var marker in markers)
        {
            if (message.Contains(marker, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }
}
