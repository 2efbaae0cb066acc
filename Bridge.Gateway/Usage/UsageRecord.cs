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
    /// <summary>The key's budget period this cost counts toward (unix seconds), when the key has a budget.</summary>
    public long? BudgetPeriodStart { get; init; }
    /// <summary>The request's session as <see cref="Sessions.SessionKey.Label"/> (a hash, never the client's id), if it named one.</summary>
    public string? SessionLabel { get; init; }
    /// <summary>Which signal named the session (<see cref="Sessions.SessionSourceNames"/>), with <see cref="SessionLabel"/>.</summary>
    public string? SessionSource { get; init; }

    // For the request log only (see RequestLogEntry).
    public string? Protocol { get; init; }
    public string? RequestedModel { get; init; }
    public int Attempts { get; init; }
    public IReadOnlyList<string>? AttemptErrors { get; init; }
    public double? TimeToFirstTokenMs { get; init; }
    public string? Error { get; init; }
    public string? TraceId { get; init; }

    public bool IsError => Status >= 400;
}
