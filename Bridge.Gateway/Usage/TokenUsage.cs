namespace Bridge.Gateway.Usage;

/// <summary>Tokens one request used: input excludes cache reads, which are counted apart.</summary>
public readonly record struct TokenUsage(long InputTokens, long OutputTokens, long CachedTokens)
{
    public long Total => InputTokens + OutputTokens + CachedTokens;
}
