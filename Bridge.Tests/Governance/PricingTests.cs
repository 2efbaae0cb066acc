using Bridge.Gateway.Configuration;
using Bridge.Gateway.Usage;

namespace Bridge.Tests.Governance;

/// <summary>Costs in micro-dollars: the three input prices (uncached, cache read, cache write), configured or built in.</summary>
public class PricingTests
{
    private static ModelDeployment Deployment(string model, ModelInfo? info = null, ProviderKind provider = ProviderKind.Anthropic) => new()
    {
        Id = "d#0", ModelName = "m", Provider = provider, UpstreamModel = model, ConfiguredModel = model, Info = info ?? new ModelInfo(),
    };

    private static readonly TokenUsage Cached = new(InputTokens: 100, OutputTokens: 50, CachedTokens: 4000, CacheWriteTokens: 1000);

    [Fact]
    public void ConfiguredCachePrices_ChargeReadsAndWritesApart()
    {
        var info = new ModelInfo
        {
            InputCostPerToken = 0.000003m, OutputCostPerToken = 0.000015m,
            CacheReadInputTokenCost = 0.0000003m, CacheCreationInputTokenCost = 0.00000375m,
        };

        // 100 x 3 + 50 x 15 + 4000 x 0.3 + 1000 x 3.75
        Assert.Equal((6000L, false), Pricing.Cost(Deployment("claude-sonnet-4-5", info), Cached));
        Assert.Equal(10800, Pricing.CacheSavingsMicros(Deployment("claude-sonnet-4-5", info), 4000));
    }

    [Fact]
    public void WithoutCachePrices_ReadsAndWritesCostTheInputPrice()
    {
        var info = new ModelInfo { InputCostPerToken = 0.000002m, OutputCostPerToken = 0.00001m };

        // (100 + 4000 + 1000) x 2 + 50 x 10
        Assert.Equal((10700L, false), Pricing.Cost(Deployment("my-model", info), Cached));
        Assert.Equal(0, Pricing.CacheSavingsMicros(Deployment("my-model", info), 4000));
    }

    [Fact]
    public void BuiltInClaudePrices_BillWritesAtOneAndAQuarterTimesInput()
    {
        // Sonnet: 100 x 3 + 50 x 15 + 4000 x 0.30 + 1000 x 3.75, estimated.
        Assert.Equal((6000L, true), Pricing.Cost(Deployment("claude-sonnet-4-5-20250929"), Cached));
        Assert.Equal(10800, Pricing.CacheSavingsMicros(Deployment("claude-sonnet-4-5-20250929"), 4000));
    }

    [Theory]
    [InlineData("us.anthropic.claude-sonnet-4-5-20250929-v1:0", ProviderKind.Bedrock)]
    [InlineData("anthropic.claude-sonnet-4-5-20250929-v1:0", ProviderKind.Bedrock)]
    [InlineData("claude-sonnet-4-5@20250929", ProviderKind.VertexAi)]
    public void ClaudeOnBedrockAndVertex_IsPricedAsTheClaudeModelItNames(string model, ProviderKind provider)
    {
        Assert.Equal((6000L, true), Pricing.Cost(Deployment(model, provider: provider), Cached));
    }

    [Fact]
    public void UnpricedAndEcho_CostNothing()
    {
        Assert.Equal((0L, true), Pricing.Cost(Deployment("mystery"), Cached));
        Assert.Equal((0L, false), Pricing.Cost(Deployment("echo", provider: ProviderKind.Echo), Cached));
        Assert.Equal(0, Pricing.CacheSavingsMicros(null, 4000));
    }

    [Fact]
    public void TokenUsage_PromptCountsEveryInputPart()
    {
        Assert.Equal(5100, Cached.PromptTokens);
        Assert.Equal(5150, Cached.Total);
    }
}
