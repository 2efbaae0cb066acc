namespace Bridge.Gateway.Usage;

/// <summary>What one request used, recorded after its response ended (also for errors and disconnects).</summary>
public sealed record UsageRecord
{
    public required string RequestId { get; init; }
    public DateTimeOffset Time { get; init; }
    public string? KeyId { get; init; }
    public string? KeyName { get; init; }
    /// <summary>The model group that served the request (aliases resolved).</summary>
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
    /// <summary>Time to the first byte streamed to the client (streams only; null for a stream that sent nothing).</summary>
    public double? TtftMs { get; init; }
    /// <summary>The key's budget period this cost counts toward (unix seconds), when the key has a budget.</summary>
    public long? BudgetPeriodStart { get; init; }

    public bool IsError => Status >= 400;
}
