using System.Runtime.CompilerServices;
using Bridge.Gateway.Configuration;

namespace Bridge.Gateway.Upstream;

/// <summary>Where a deployment's requests go and how they authenticate, per provider.</summary>
public static class UpstreamEndpoints
{
    public const string DefaultAzureApiVersion = "2024-12-01-preview";
    public const string EchoBaseAddress = "http://bridge-echo.invalid";

    /// <summary>True when an Azure deployment uses the <c>/openai/v1/</c> form, where the body's model is the deployment name.</summary>
    public static bool IsAzureV1(ModelDeployment d) =>
        d.Provider == ProviderKind.Azure
        && ((d.ApiBase?.TrimEnd('/').EndsWith("/openai/v1", StringComparison.OrdinalIgnoreCase) ?? false)
            || d.ApiVersion is "v1" or "latest" or "preview");

    // Deployments are immutable, so each one's URLs are built once rather than on every request.
    private static readonly ConditionalWeakTable<ModelDeployment, Uri> ChatUris = new();
    private static readonly ConditionalWeakTable<ModelDeployment, Uri> MessagesUris = new();
    private static readonly ConditionalWeakTable<ModelDeployment, Uri> ResponsesUris = new();

    /// <summary>Azure's Responses API needs an api-version from 2025-03-01-preview on; older ones (chat-era) get this.</summary>
    public const string DefaultAzureResponsesApiVersion = "2025-04-01-preview";

    /// <summary>The Responses URL of an OpenAI or Azure deployment (<c>/responses</c>; the model goes in the body).</summary>
    public static Uri Responses(ModelDeployment d) => ResponsesUris.GetValue(d, BuildResponses);

    private static Uri BuildResponses(ModelDeployment d)
    {
        switch (d.Provider)
        {
            case ProviderKind.Azure:
            {
                var root = d.ApiBase!.TrimEnd('/');
                if (IsAzureV1(d))
                {
                    if (!root.EndsWith("/openai/v1", StringComparison.OrdinalIgnoreCase)) root += "/openai/v1";
                    return new Uri($"{root}/responses{(d.ApiVersion is "preview" ? "?api-version=preview" : "")}");
                }
                var version = d.ApiVersion is { } v && string.CompareOrdinal(v, "2025-03-01") >= 0 ? v : DefaultAzureResponsesApiVersion;
                return new Uri($"{root}/openai/responses?api-version={Uri.EscapeDataString(version)}");
            }
            case ProviderKind.OpenAI:
                return new Uri($"{ApiRoot(d)}/responses");
            default:
                throw new InvalidOperationException($"{d.Provider} deployments do not speak the Responses API");
        }
    }

    /// <summary>The Chat Completions URL of an OpenAI-format deployment.</summary>
    public static Uri ChatCompletions(ModelDeployment d) => ChatUris.GetValue(d, BuildChatCompletions);

    private static Uri BuildChatCompletions(ModelDeployment d)
    {
        switch (d.Provider)
        {
            case ProviderKind.Azure:
            {
                var root = d.ApiBase!.TrimEnd('/');
                if (IsAzureV1(d))
                {
                    if (!root.EndsWith("/openai/v1", StringComparison.OrdinalIgnoreCase)) root += "/openai/v1";
                    var query = d.ApiVersion is "preview" ? "?api-version=preview" : "";
                    return new Uri($"{root}/chat/completions{query}");
                }
                var version = Uri.EscapeDataString(d.ApiVersion ?? DefaultAzureApiVersion);
                return new Uri($"{root}/openai/deployments/{Uri.EscapeDataString(d.UpstreamModel)}/chat/completions?api-version={version}");
            }
            case ProviderKind.OpenAI when ReferenceEquals(d.Spec, Providers.AzureAi) && ApiRoot(d).EndsWith("/models", StringComparison.OrdinalIgnoreCase):
                // Foundry's model inference endpoint wants an api-version.
                return new Uri($"{ApiRoot(d)}/chat/completions?api-version={Uri.EscapeDataString(d.ApiVersion ?? AzureAiInferenceApiVersion)}");
            case ProviderKind.OpenAI:
                return new Uri($"{ApiRoot(d)}/chat/completions");
            case ProviderKind.Ollama:
            {
                var root = ApiRoot(d);
                if (!root.EndsWith("/v1", StringComparison.Ordinal)) root += "/v1";
                return new Uri($"{root}/chat/completions");
            }
            case ProviderKind.Echo:
                return new Uri($"{EchoBaseAddress}/v1/chat/completions");
            default:
                throw new InvalidOperationException($"{d.Provider} deployments do not speak Chat Completions");
        }
    }

    /// <summary>The Anthropic Messages URL (<c>/v1/messages</c> or <c>/v1/messages/count_tokens</c>).</summary>
    public static Uri AnthropicMessages(ModelDeployment d, string suffix = "") =>
        suffix.Length == 0 ? MessagesUris.GetValue(d, static d => BuildAnthropicMessages(d, "")) : BuildAnthropicMessages(d, suffix);

    private static Uri BuildAnthropicMessages(ModelDeployment d, string suffix)
    {
        var root = ApiRoot(d);
        if (root.EndsWith("/v1", StringComparison.Ordinal)) root = root[..^3];
        return new Uri($"{root}/v1/messages{suffix}");
    }

    /// <summary>The deployment's API root: its <c>api_base</c> (resolved at load), else its provider's default.</summary>
    /// <summary>The api-version Foundry's <c>/models</c> endpoint gets when the deployment names none.</summary>
    public const string AzureAiInferenceApiVersion = "2024-05-01-preview";

    private static string ApiRoot(ModelDeployment d) =>
        (d.ApiBase ?? d.Spec.DefaultApiBase ?? throw new InvalidOperationException($"{d.Id} has no api_base")).TrimEnd('/');

    /// <summary>The model name to put in the body: Azure classic ignores it, v1 needs the deployment name.</summary>
    public static string BodyModel(ModelDeployment d) => d.UpstreamModel;

    /// <summary>Key auth; an Azure deployment with Entra ID gets its bearer from <see cref="EntraTokens"/> instead.</summary>
    public static void ApplyAuth(HttpRequestMessage request, ModelDeployment d)
    {
        if (string.IsNullOrEmpty(d.ApiKey)) return;
        switch (d.Provider)
        {
            case ProviderKind.Azure:
            case ProviderKind.OpenAI when ReferenceEquals(d.Spec, Providers.AzureAi):
                request.Headers.TryAddWithoutValidation("api-key", d.ApiKey);
                break;
            case ProviderKind.Anthropic:
                request.Headers.TryAddWithoutValidation("x-api-key", d.ApiKey);
                break;
            default:
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + d.ApiKey);
                break;
        }
    }

    public static void ApplyExtraHeaders(HttpRequestMessage request, ModelDeployment d)
    {
        foreach (var (name, value) in d.ExtraHeaders)
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }
}
