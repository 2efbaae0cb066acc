using Bridge.Gateway.Configuration;

namespace Bridge.Gateway.Usage;

/// <summary>
/// Cost of a request in micro-dollars. Prices come from <c>model_info</c> (<c>input_cost_per_token</c>,
/// <c>output_cost_per_token</c>, <c>cache_read_input_token_cost</c>); without them a built-in table of
/// well-known models is used and the cost is marked estimated.
/// </summary>
public static class Pricing
{
    /// <summary>USD per million tokens: input, output, cached input. Public list prices; treat as estimates.</summary>
    private static readonly (string Prefix, decimal Input, decimal Output, decimal Cached)[] BuiltIn =
    [
        ("gpt-4o-mini", 0.15m, 0.60m, 0.075m),
        ("gpt-4o", 2.50m, 10.00m, 1.25m),
        ("gpt-4.1-nano", 0.10m, 0.40m, 0.025m),
        ("gpt-4.1-mini", 0.40m, 1.60m, 0.10m),
        ("gpt-4.1", 2.00m, 8.00m, 0.50m),
        ("gpt-5-nano", 0.05m, 0.40m, 0.005m),
        ("gpt-5-mini", 0.25m, 2.00m, 0.025m),
        ("gpt-5", 1.25m, 10.00m, 0.125m),
        ("o4-mini", 1.10m, 4.40m, 0.275m),
        ("o3-mini", 1.10m, 4.40m, 0.55m),
        ("o3", 2.00m, 8.00m, 0.50m),
        ("o1", 15.00m, 60.00m, 7.50m),
        ("claude-opus-4-1", 15.00m, 75.00m, 1.50m),
        ("claude-opus-4-0", 15.00m, 75.00m, 1.50m),
        ("claude-opus", 5.00m, 25.00m, 0.50m),
        ("claude-sonnet", 3.00m, 15.00m, 0.30m),
        ("claude-3-7-sonnet", 3.00m, 15.00m, 0.30m),
        ("claude-3-5-sonnet", 3.00m, 15.00m, 0.30m),
        ("claude-haiku-4", 1.00m, 5.00m, 0.10m),
        ("claude-3-5-haiku", 0.80m, 4.00m, 0.08m),
    ];

    public static (long Micros, bool Estimated) Cost(ModelDeployment? deployment, TokenUsage usage)
    {
        if (deployment is null) return (0, true);
        var info = deployment.Info;
        if (info.InputCostPerToken is { } inPrice && info.OutputCostPerToken is { } outPrice)
        {
            var cachedPrice = info.CacheReadInputTokenCost ?? inPrice;
            var usd = usage.InputTokens * inPrice + usage.OutputTokens * outPrice + usage.CachedTokens * cachedPrice;
            return ((long)Math.Round(usd * 1_000_000m), false);
        }
        if (deployment.Provider == ProviderKind.Echo) return (0, false);

        if (BuiltInPrice(deployment) is var (_, input, output, cached))
        {
            // Per-million prices times tokens gives micro-dollars directly.
            var micros = usage.InputTokens * input + usage.OutputTokens * output + usage.CachedTokens * cached;
            return ((long)Math.Round(micros), true);
        }
        return (0, true);
    }

    /// <summary>
    /// False when the deployment has no price anywhere (not in <c>model_info</c>, not built in): it costs $0, so
    /// no budget ever binds on it. The startup report names such deployments.
    /// </summary>
    public static bool HasPrice(ModelDeployment deployment) =>
        (deployment.Info.InputCostPerToken is not null && deployment.Info.OutputCostPerToken is not null)
        || deployment.Provider == ProviderKind.Echo
        || BuiltInPrice(deployment) is not null;

    private static (string Prefix, decimal Input, decimal Output, decimal Cached)? BuiltInPrice(ModelDeployment deployment)
    {
        var model = deployment.UpstreamModel.ToLowerInvariant();
        // A router's or host's namespaced id (openrouter's openai/gpt-4o) is priced by the model it names.
        if (model.LastIndexOf('/') is var slash and >= 0) model = model[(slash + 1)..];
        foreach (var price in BuiltIn)
        {
            if (model.StartsWith(price.Prefix, StringComparison.Ordinal)) return price;
        }
        return null;
    }
}
