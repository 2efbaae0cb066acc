namespace Bridge.Gateway.State;

/// <summary>
/// One line of <c>bridge:usage:dead</c>: a usage record Redis refused, kept with the reason so it is seen (the Admin's
/// Usage page) instead of blocking the queue or vanishing. Counters only, never any prompt or completion content.
/// </summary>
public sealed record UsageDeadLetter
{
    public DateTimeOffset FailedAt { get; init; }
    public required string Reason { get; init; }
    public int Attempts { get; init; }
    public required string RequestId { get; init; }
    public DateTimeOffset Time { get; init; }
    public string? KeyId { get; init; }
    public string? KeyName { get; init; }
    public required string Model { get; init; }
    public string? Deployment { get; init; }
    public int Status { get; init; }
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }
    /// <summary>Input tokens read from the prompt cache (not in the input count).</summary>
    public long CachedTokens { get; init; }
    /// <summary>Input tokens written to the prompt cache (not in the input count; Anthropic upstreams only).</summary>
    public long CacheWriteTokens { get; init; }
    /// <summary>What the cache reads saved: cached tokens times (input price - cache read price), micro-dollars.</summary>
    public long CacheSavingsMicros { get; init; }
    public long CostMicros { get; init; }
    public long? BudgetPeriodStart { get; init; }
}
