using System.Runtime.CompilerServices;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Upstream;

namespace Bridge.Gateway.Pipeline;

/// <summary>
/// The translation target of each OpenAI-speaking deployment, computed once per deployment (deployments are immutable:
/// one changed at runtime is a new object, with its own target).
/// </summary>
public sealed class OpenAITargets(BridgeConfig config)
{
    private readonly ConditionalWeakTable<ModelDeployment, OpenAITarget> _targets = new();

    public OpenAITarget For(ModelDeployment deployment) => _targets.GetValue(deployment, d => Create(d, config));

    /// <summary>
    /// The deployment's target for one request: with the <c>prompt_cache_key</c> of the request's session, when it has
    /// one (a copy per such request; a request without a session gets the shared target).
    /// </summary>
    public OpenAITarget For(ModelDeployment deployment, Exchanges.InboundRequest request)
    {
        var target = For(deployment);
        return request.Session is { } session ? target with { PromptCacheKey = session.PromptCacheKey } : target;
    }

    private static IReadOnlySet<string> ChatRefusals(ModelDeployment d) =>
        d.Api == UpstreamApi.ChatCompletions ? d.Spec.RejectedParams : System.Collections.Frozen.FrozenSet<string>.Empty;

    public static OpenAITarget Create(ModelDeployment d, BridgeConfig config) => new()
    {
        Model = UpstreamEndpoints.BodyModel(d),
        IsReasoningModel = d.Info.SupportsReasoning ?? OpenAITarget.LooksLikeReasoningModel(d.UpstreamModel),
        MaxOutputTokens = d.MaxOutputTokens,
        DropParams = d.DropParams ?? config.DropParams,
        // What the provider's Chat Completions refuses is never sent, whoever asked for it (LiteLLM keeps it out of its
        // supported list). The list is Chat Completions' parameters: a Responses deployment takes its own.
        AdditionalDropParams = config.AdditionalDropParams.Concat(d.AdditionalDropParams).Concat(ChatRefusals(d)).Distinct(StringComparer.Ordinal).ToArray(),
        DefaultParams = d.DefaultParams,
        IncludeStreamUsage = !ChatRefusals(d).Contains("stream_options"),
    };
}
