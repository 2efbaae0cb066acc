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
    /// <summary>Input tokens read from the prompt cache (not in the input count).</summary>
    public long CachedTokens { get; init; }
    /// <summary>Input tokens written to the prompt cache (not in the input count; Anthropic upstreams only).</summary>
    public long CacheWriteTokens { get; init; }
    /// <summary>What the cache reads saved: cached tokens times (input price - cache read price), micro-dollars.</summary>
    public long CacheSavingsMicros { get; init; }
    public long CostMicros { get; init; }
    public bool CostEstimated { get; init; }
    public double LatencyMs { get; init; }
    public bool Stream { get; init; }
    /// <summary>The request's session label (a hash of key and session id, never the id), if it named one.</summary>
    public string? SessionLabel { get; init; }
}
