using System.Collections.Frozen;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Upstream;

namespace Bridge.Gateway.Pipeline;

/// <summary>The translation target of each OpenAI-speaking deployment, computed once at startup.</summary>
public sealed class OpenAITargets
{
    private readonly FrozenDictionary<string, OpenAITarget> _targets;

    public OpenAITargets(BridgeConfig config)
    {
        _targets = config.Deployments
            .Where(d => d.Provider.SpeaksOpenAI() || d.Provider == ProviderKind.Echo)
            .ToFrozenDictionary(d => d.Id, d => Create(d, config), StringComparer.Ordinal);
    }

    public OpenAITarget For(ModelDeployment deployment) => _targets[deployment.Id];

    /// <summary>
    /// The deployment's target for one request: with the <c>prompt_cache_key</c> of the request's session, when it has
    /// one (a copy per such request; a request without a session gets the shared target).
    /// </summary>
    public OpenAITarget For(ModelDeployment deployment, Exchanges.InboundRequest request)
    {
        var target = _targets[deployment.Id];
        return request.Session is { } session ? target with { PromptCacheKey = session.PromptCacheKey } : target;
    }

    public static OpenAITarget Create(ModelDeployment d, BridgeConfig config) => new()
    {
        Model = UpstreamEndpoints.BodyModel(d),
        IsReasoningModel = d.Info.SupportsReasoning ?? OpenAITarget.LooksLikeReasoningModel(d.UpstreamModel),
        MaxOutputTokens = d.MaxOutputTokens,
        DropParams = d.DropParams ?? config.DropParams,
        AdditionalDropParams = config.AdditionalDropParams.Concat(d.AdditionalDropParams).Distinct(StringComparer.Ordinal).ToArray(),
        DefaultParams = d.DefaultParams,
    };
}
