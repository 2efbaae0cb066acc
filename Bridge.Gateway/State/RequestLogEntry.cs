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

    // The request log's fields (the admin's Requests page). Metadata only, as above.
    /// <summary><see cref="Time"/> in unix milliseconds: what the age trim reads without parsing the JSON.</summary>
    public long TimeMs { get; init; }
    /// <summary>The API the client spoke: <c>anthropic</c>, <c>openai</c> or <c>responses</c>.</summary>
    public string? Protocol { get; init; }
    /// <summary>The model name as the client sent it (cut to 256 characters), before aliases.</summary>
    public string? RequestedModel { get; init; }
    /// <summary>Upstream attempts made, over every deployment and fallback group.</summary>
    public int Attempts { get; init; }
    /// <summary>Why attempts before the last one failed, one line each (<c>deployment: status kind</c>).</summary>
    public IReadOnlyList<string>? AttemptErrors { get; init; }
    /// <summary>Time to the first streamed byte sent to the client (streams only).</summary>
    public double? TimeToFirstTokenMs { get; init; }
    /// <summary>The error message the client got (at most 500 characters), on a failed request.</summary>
    public string? Error { get; init; }
    /// <summary>The request's trace, when tracing is on: opens it in the Aspire dashboard.</summary>
    public string? TraceId { get; init; }
}
