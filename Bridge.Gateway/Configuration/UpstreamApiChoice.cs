using System.Text.RegularExpressions;

namespace Bridge.Gateway.Configuration;

/// <summary>
/// Which API a deployment is called with, and why (for the startup report). In LiteLLM's terms: a <c>responses/</c>
/// segment after the provider (<c>azure/responses/my-gpt</c>, <c>openai/responses/gpt-5.4</c>) or
/// <c>model_info.mode: responses</c> asks for the Responses API, <c>mode: chat</c> for Chat Completions. With
/// neither, Bridge picks Responses for the models that need it: from gpt-5.4 on, Chat Completions refuses function
/// tools together with reasoning (gpt-5.6 reasons by default, so it refuses every coding agent's request there), and
/// the codex models are served on Responses only. The name looked at is <c>model_info.base_model</c> when set (an
/// Azure deployment's own name need not say which model it runs), else the model name.
/// </summary>
public static partial class UpstreamApiChoice
{
    private const string ResponsesSegment = "responses/";

    public static (UpstreamApi Api, string Reason, string UpstreamModel) Choose(ProviderKind provider, string upstreamModel, string? mode, string? baseModel) =>
        Choose(Providers.ForKind(provider), upstreamModel, mode, baseModel);

    public static (UpstreamApi Api, string Reason, string UpstreamModel) Choose(ProviderSpec spec, string upstreamModel, string? mode, string? baseModel)
    {
        var provider = spec.Kind;
        switch (provider)
        {
            case ProviderKind.Anthropic:
                return (UpstreamApi.AnthropicMessages, "anthropic/ deployments are called natively", upstreamModel);
            case ProviderKind.Bedrock:
                return (UpstreamApi.AnthropicMessages, "Claude on Bedrock takes the Anthropic Messages body through InvokeModel", upstreamModel);
            case ProviderKind.VertexAi:
                return (UpstreamApi.AnthropicMessages, "Claude on Vertex AI takes the Anthropic Messages body through rawPredict", upstreamModel);
            case ProviderKind.Echo or ProviderKind.Ollama:
                return (UpstreamApi.ChatCompletions, $"{spec.Name} speaks Chat Completions", upstreamModel);
        }
        if (!spec.SupportsResponses)
        {
            return (UpstreamApi.ChatCompletions, $"{spec.Name} speaks Chat Completions", upstreamModel);
        }

        if (upstreamModel.StartsWith(ResponsesSegment, StringComparison.OrdinalIgnoreCase))
        {
            return (UpstreamApi.Responses, "litellm_params.model has the responses/ segment", upstreamModel[ResponsesSegment.Length..]);
        }
        switch (mode?.Trim().ToLowerInvariant())
        {
            case "responses":
                return (UpstreamApi.Responses, "model_info.mode: responses", upstreamModel);
            case "chat":
                return (UpstreamApi.ChatCompletions, "model_info.mode: chat", upstreamModel);
        }
        if (!ReferenceEquals(spec, Providers.OpenAI) && !ReferenceEquals(spec, Providers.Azure))
        {
            // The name rules below are OpenAI's models on OpenAI's and Azure's services; elsewhere only an explicit ask counts.
            return (UpstreamApi.ChatCompletions, "default", upstreamModel);
        }
        var name = (baseModel ?? upstreamModel).ToLowerInvariant();
        if (name.Contains("codex", StringComparison.Ordinal))
        {
            return (UpstreamApi.Responses, $"'{name}' is a codex model, served on the Responses API only", upstreamModel);
        }
        if (NeedsResponsesForToolsWithReasoning(name))
        {
            return (UpstreamApi.Responses, $"'{name}' takes tools with reasoning only on the Responses API (gpt-5.4 and later)", upstreamModel);
        }
        return (UpstreamApi.ChatCompletions, "default", upstreamModel);
    }

    /// <summary>gpt-5.4 and later 5.x, and any gpt-6 or above (with or without a minor version or suffix).</summary>
    private static bool NeedsResponsesForToolsWithReasoning(string name)
    {
        var match = GptVersion().Match(name);
        if (!match.Success) return false;
        var major = int.Parse(match.Groups["major"].ValueSpan, System.Globalization.CultureInfo.InvariantCulture);
        var minor = match.Groups["minor"].Success ? int.Parse(match.Groups["minor"].ValueSpan, System.Globalization.CultureInfo.InvariantCulture) : 0;
        if (name.Contains("-chat", StringComparison.Ordinal)) return false; // the chat variants do not reason
        return major > 5 || (major == 5 && minor >= 4);
    }

    [GeneratedRegex(@"^gpt-(?<major>\d{1,3})(?:\.(?<minor>\d{1,3}))?(?:$|[-.])", RegexOptions.CultureInvariant)]
    private static partial Regex GptVersion();
}
