using Bridge.Gateway.Configuration;

namespace Bridge.Gateway.Usage;

/// <summary>
/// Cost of a request in micro-dollars. Prices come from <c>model_info</c> (<c>input_cost_per_token</c>,
/// <c>output_cost_per_token</c>, and LiteLLM's <c>cache_read_input_token_cost</c> and
/// <c>cache_creation_input_token_cost</c>, each falling back to the input price when absent); without the first two
/// a built-in table of well-known models is used and the cost is marked estimated.
/// </summary>
public static class Pricing
{
    /// <summary>
    /// USD per million tokens: input, output, cache read, cache write. Public list prices; treat as estimates.
    /// Anthropic bills 5-minute cache writes at 1.25 times the input price; OpenAI reports no writes (input price).
    /// </summary>
    private static readonly (string Prefix, decimal Input, decimal Output, decimal Cached, decimal CacheWrite)[] BuiltIn =
    [
        ("gpt-4o-mini", 0.15m, 0.60m, 0.075m, 0.15m),
        ("gpt-4o", 2.50m, 10.00m, 1.25m, 2.50m),
        ("gpt-4.1-nano", 0.10m, 0.40m, 0.025m, 0.10m),
        ("gpt-4.1-mini", 0.40m, 1.60m, 0.10m, 0.40m),
        ("gpt-4.1", 2.00m, 8.00m, 0.50m, 2.00m),
        ("gpt-5-nano", 0.05m, 0.40m, 0.005m, 0.05m),
        ("gpt-5-mini", 0.25m, 2.00m, 0.025m, 0.25m),
        ("gpt-5", 1.25m, 10.00m, 0.125m, 1.25m),
        ("o4-mini", 1.10m, 4.40m, 0.275m, 1.10m),
        ("o3-mini", 1.10m, 4.40m, 0.55m, 1.10m),
        ("o3", 2.00m, 8.00m, 0.50m, 2.00m),
        ("o1", 15.00m, 60.00m, 7.50m, 15.00m),
        ("claude-opus-4-1", 15.00m, 75.00m, 1.50m, 18.75m),
        ("claude-opus-4-0", 15.00m, 75.00m, 1.50m, 18.75m),
        ("claude-opus", 5.00m, 25.00m, 0.50m, 6.25m),
        ("claude-sonnet", 3.00m, 15.00m, 0.30m, 3.75m),
        ("claude-3-7-sonnet", 3.00m, 15.00m, 0.30m, 3.75m),
        ("claude-3-5-sonnet", 3.00m, 15.00m, 0.30m, 3.75m),
        ("claude-haiku-4", 1.00m, 5.00m, 0.10m, 1.25m),
        ("claude-3-5-haiku", 0.80m, 4.00m, 0.08m, 1.00m),
    ];

    public static (long Micros, bool Estimated) Cost(ModelDeployment? deployment, TokenUsage usage)
    {
        if (PricesOf(deployment) is not var (prices, estimated)) return (0, true);
        // Micro-dollars per token times tokens.
        var micros = usage.InputTokens * prices.Input + usage.OutputTokens * prices.Output
            + usage.CachedTokens * prices.CacheRead + usage.CacheWriteTokens * prices.CacheWrite;
        return ((long)Math.Round(micros), estimated);
    }

    /// <summary>
    /// What the cache reads saved, in micro-dollars: cached tokens times (input price - cache read price). Cache
    /// writes' own price is in the cost, not subtracted here. 0 without a price.
    /// </summary>
    public static long CacheSavingsMicros(ModelDeployment? deployment, long cachedTokens)
    {
        if (cachedTokens <= 0 || PricesOf(deployment) is not var (prices, _)) return 0;
        return Math.Max(0, (long)Math.Round(cachedTokens * (prices.Input - prices.CacheRead)));
    }

    /// <summary>
    /// False when the deployment has no price anywhere (not in <c>model_info</c>, not built in): it costs $0, so
    /// no budget ever binds on it. The startup report names such deployments.
    /// </summary>
    public static bool HasPrice(ModelDeployment deployment) =>
        (deployment.Info.InputCostPerToken is not null && deployment.Info.OutputCostPerToken is not null)
        || deployment.Provider == ProviderKind.Echo
        || BuiltInPrice(deployment) is not null;

    /// <summary>Micro-dollars per token, and whether they are the built-in estimates; null when unpriced.</summary>
    private static (TokenPrices Prices, bool Estimated)? PricesOf(ModelDeployment? deployment)
    {
        if (deployment is null) return null;
        var info = deployment.Info;
        if (info.InputCostPerToken is { } inPrice && info.OutputCostPerToken is { } outPrice)
        {
            const decimal PerUsd = 1_000_000m;
            return (new TokenPrices(inPrice * PerUsd, outPrice * PerUsd,
                (info.CacheReadInputTokenCost ?? inPrice) * PerUsd, (info.CacheCreationInputTokenCost ?? inPrice) * PerUsd), false);
        }
        if (deployment.Provider == ProviderKind.Echo) return (default, false);
        // Per-million prices are micro-dollars per token.
        if (BuiltInPrice(deployment) is var (_, input, output, cached, write)) return (new TokenPrices(input, output, cached, write), true);
        return null;
    }

    private static (string Prefix, decimal Input, decimal Output, decimal Cached, decimal CacheWrite)? BuiltInPrice(ModelDeployment deployment)
    {
        var model = deployment.UpstreamModel.ToLowerInvariant();
        // A router's or host's namespaced id (openrouter's openai/gpt-4o) is priced by the model it names.
        if (model.LastIndexOf('/') is var slash and >= 0) model = model[(slash + 1)..];
        // Bedrock's ids (us.anthropic.claude-sonnet-4-5-20250929-v1:0) name the Claude model after "anthropic.".
        if (model.IndexOf("anthropic.", StringComparison.Ordinal) is var vendor and >= 0) model = model[(vendor + "anthropic.".Length)..];
        foreach (var price in BuiltIn)
        {
            if (model.StartsWith(price.Prefix, StringComparison.Ordinal)) return price;
        }
        return null;
    }

    /// <summary>Micro-dollars per token of each kind.</summary>
    private readonly record struct TokenPrices(decimal Input, decimal Output, decimal CacheRead, decimal CacheWrite);
}
