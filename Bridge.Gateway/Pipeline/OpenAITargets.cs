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
        _config = config;
    }

    private readonly BridgeConfig _config;
    // A wildcard deployment serves a different model per request: its target is made (and kept) per model.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<ModelDeployment, OpenAITarget> _wildcardTargets = new();

    public OpenAITarget For(ModelDeployment deployment)
    {
        var target = _targets[deployment.Id];
        if (deployment.Wildcard is null) return target;
        return _wildcardTargets.GetValue(deployment, d => Create(d, _config));
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
