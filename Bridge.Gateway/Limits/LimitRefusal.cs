namespace Bridge.Gateway.Limits;

/// <summary>A refusal: status, message and when to retry.</summary>
public sealed record LimitRefusal(int StatusCode, string Message, TimeSpan? RetryAfter);
