namespace Bridge.Gateway.Usage;

/// <summary>
/// Tokens one request used. Input is billed at three prices, so it is kept in three parts that never overlap:
/// <see cref="InputTokens"/> (neither read from nor written to a prompt cache), <see cref="CachedTokens"/> (cache
/// reads) and <see cref="CacheWriteTokens"/> (cache writes; only Anthropic reports them). Their sum is the prompt.
/// </summary>
public readonly record struct TokenUsage(long InputTokens, long OutputTokens, long CachedTokens, long CacheWriteTokens = 0)
{
    /// <summary>Every input token, whatever its price (OpenAI's <c>prompt_tokens</c>).</summary>
    public long PromptTokens => InputTokens + CachedTokens + CacheWriteTokens;

    public long Total => PromptTokens + OutputTokens;
}
