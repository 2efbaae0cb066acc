namespace Bridge.Gateway.State;

/// <summary>One line of <c>bridge:requests:recent</c>. Never any prompt or completion content.</summary>
public sealed record RequestLogEntry
{
    public DateTimeOffset Time { get; init; }
    public required string RequestId { get; init; }
    public string? KeyId { get; init; }
    public string? KeyName { get; init; }
    public required string Model { get; init; }
    public string? Deployment { get; init; }
    public int Status { get; init; }
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }
    public long CachedTokens { get; init; }
    public long CostMicros { get; init; }
    public bool CostEstimated { get; init; }
    public double LatencyMs { get; init; }
    public bool Stream { get; init; }
    /// <summary>Time to first token of a stream (ms); absent for non-streamed requests and entries written before it existed.</summary>
    public double? TtftMs { get; init; }
}
