using System.Collections.Frozen;

namespace Bridge.Gateway.Configuration;

/// <summary>
/// The provider table: every <c>litellm_params.model</c> prefix Bridge loads, with the defaults LiteLLM documents
/// for it (API root, key and base variables) and what it accepts. The OpenAI-compatible family are rows of
/// <see cref="ProviderKind.OpenAI"/>: same wire, same bearer auth, their own root and refusals.
/// </summary>
public static class Providers
{
    /// <summary>OpenAI-platform parameters no other vendor's Chat Completions takes.</summary>
    private static readonly string[] OpenAIPlatformOnly =
    [
        "store", "metadata", "prediction", "modalities", "audio", "web_search_options", "verbosity", "service_tier",
        "prompt_cache_key", "safety_identifier",
    ];

    private static FrozenSet<string> Rejects(params string[] more) => OpenAIPlatformOnly.Concat(more).ToFrozenSet(StringComparer.Ordinal);

    public static readonly ProviderSpec OpenAI = new()
    {
        Prefix = "openai", Aliases = ["text-completion-openai"], Name = "openai", DisplayName = "OpenAI", Kind = ProviderKind.OpenAI,
        DefaultApiBase = "https://api.openai.com/v1", ApiBaseEnv = ["OPENAI_BASE_URL", "OPENAI_API_BASE"], ApiKeyEnv = ["OPENAI_API_KEY"],
        KeyRequired = true, OtelName = "openai", SupportsResponses = true,
    };

    public static readonly ProviderSpec Azure = new()
    {
        Prefix = "azure", Name = "azure", DisplayName = "Azure OpenAI", Kind = ProviderKind.Azure,
        ApiBaseEnv = ["AZURE_API_BASE"], ApiKeyEnv = ["AZURE_API_KEY"], OtelName = "azure.ai.openai", SupportsResponses = true,
        Status = "supported: api_key, azure_ad_token, Entra ID client credentials or the ambient identity",
    };

    public static readonly ProviderSpec Ollama = new()
    {
        Prefix = "ollama", Aliases = ["ollama_chat"], Name = "ollama", DisplayName = "Ollama", Kind = ProviderKind.Ollama,
        DefaultApiBase = "http://localhost:11434", ApiBaseEnv = ["OLLAMA_API_BASE"], OtelName = "ollama",
    };

    /// <summary>
    /// Anthropic's own Messages API. Its refusals are the OpenAI parameters with no Anthropic counterpart (the
    /// others are translated); the chat-to-Messages translator and the config loader both read them from here.
    /// </summary>
    public static readonly ProviderSpec Anthropic = new()
    {
        Prefix = "anthropic", Name = "anthropic", DisplayName = "Anthropic", Kind = ProviderKind.Anthropic,
        DefaultApiBase = "https://api.anthropic.com", ApiBaseEnv = ["ANTHROPIC_API_BASE", "ANTHROPIC_BASE_URL"], ApiKeyEnv = ["ANTHROPIC_API_KEY"],
        KeyRequired = true, OtelName = "anthropic",
        RejectedParams = new[]
        {
            "logprobs", "top_logprobs", "logit_bias", "frequency_penalty", "presence_penalty", "seed", "service_tier",
            "store", "prediction", "modalities", "audio", "metadata", "verbosity", "web_search_options", "functions",
            "function_call",
        }.ToFrozenSet(StringComparer.Ordinal),
    };

    /// <summary>Claude on Amazon Bedrock through InvokeModel (<see cref="Upstream.Hosts.BedrockHost"/>); other Bedrock models load as unavailable.</summary>
    public static readonly ProviderSpec Bedrock = new()
    {
        Prefix = "bedrock", Name = "bedrock", DisplayName = "Amazon Bedrock", Kind = ProviderKind.Bedrock, OtelName = "aws.bedrock",
        RejectedParams = Anthropic.RejectedParams,
        Status = "supported for Claude (InvokeModel with SigV4: keys, a profile or the AWS credential chain); bedrock/invoke/ too",
    };

    /// <summary>Claude on Google Vertex AI through rawPredict (<see cref="Upstream.Hosts.VertexHost"/>); other Vertex models load as unavailable.</summary>
    public static readonly ProviderSpec VertexAi = new()
    {
        Prefix = "vertex_ai", Name = "vertex_ai", DisplayName = "Google Vertex AI", Kind = ProviderKind.VertexAi, OtelName = "gcp.vertex_ai",
        RejectedParams = Anthropic.RejectedParams,
        Status = "supported for Claude (rawPredict with a service account or application default credentials)",
    };

    /// <summary>
    /// Azure AI Foundry's OpenAI-format models (<c>{resource}.services.ai.azure.com/models</c> with an <c>api-version</c>, or
    /// its <c>/openai/v1</c> surface), with the <c>api-key</c> header.
    /// </summary>
    public static readonly ProviderSpec AzureAi = new()
    {
        Prefix = "azure_ai", Name = "azure_ai", DisplayName = "Azure AI Foundry", Kind = ProviderKind.OpenAI,
        ApiBaseEnv = ["AZURE_AI_API_BASE"], ApiKeyEnv = ["AZURE_AI_API_KEY"], KeyRequired = true, OtelName = "azure.ai.inference",
        RejectedParams = Rejects(),
        Status = "supported: OpenAI-format models (api-key header), and Claude through Foundry's Anthropic endpoint",
    };

    /// <summary>Claude on Azure AI Foundry: the Anthropic Messages API under <c>{resource}.services.ai.azure.com/anthropic</c>, forwarded natively.</summary>
    public static readonly ProviderSpec AzureAiClaude = AzureAi with
    {
        DisplayName = "Claude on Azure AI Foundry", Kind = ProviderKind.Anthropic, RejectedParams = Anthropic.RejectedParams,
    };

    public static readonly ProviderSpec Echo = new()
    {
        Prefix = "bridge", Name = "echo", DisplayName = "Bridge echo", Kind = ProviderKind.Echo, OtelName = "bridge.echo",
        Status = "built in: bridge/echo answers with the last user message",
    };

    public static readonly ProviderSpec HostedVllm = new()
    {
        Prefix = "hosted_vllm", Name = "hosted_vllm", DisplayName = "vLLM", Kind = ProviderKind.OpenAI,
        ApiBaseEnv = ["HOSTED_VLLM_API_BASE"], ApiKeyEnv = ["HOSTED_VLLM_API_KEY"], OtelName = "vllm", SupportsResponses = true,
    };

    public static readonly ProviderSpec OpenRouter = new()
    {
        Prefix = "openrouter", Name = "openrouter", DisplayName = "OpenRouter", Kind = ProviderKind.OpenAI,
        DefaultApiBase = "https://openrouter.ai/api/v1", ApiBaseEnv = ["OPENROUTER_API_BASE"], ApiKeyEnv = ["OPENROUTER_API_KEY", "OR_API_KEY"],
        KeyRequired = true, OtelName = "openrouter",
    };

    public static readonly ProviderSpec DeepSeek = new()
    {
        Prefix = "deepseek", Name = "deepseek", DisplayName = "DeepSeek", Kind = ProviderKind.OpenAI,
        DefaultApiBase = "https://api.deepseek.com/beta", ApiBaseEnv = ["DEEPSEEK_API_BASE"], ApiKeyEnv = ["DEEPSEEK_API_KEY"],
        KeyRequired = true, OtelName = "deepseek", RejectedParams = Rejects("logit_bias"),
    };

    public static readonly ProviderSpec Groq = new()
    {
        Prefix = "groq", Name = "groq", DisplayName = "Groq", Kind = ProviderKind.OpenAI,
        DefaultApiBase = "https://api.groq.com/openai/v1", ApiBaseEnv = ["GROQ_API_BASE"], ApiKeyEnv = ["GROQ_API_KEY"],
        KeyRequired = true, OtelName = "groq", RejectedParams = Rejects("logprobs", "top_logprobs", "logit_bias"),
    };

    public static readonly ProviderSpec TogetherAI = new()
    {
        Prefix = "together_ai", Name = "together_ai", DisplayName = "Together AI", Kind = ProviderKind.OpenAI,
        DefaultApiBase = "https://api.together.xyz/v1", ApiBaseEnv = ["TOGETHER_AI_API_BASE"],
        ApiKeyEnv = ["TOGETHER_API_KEY", "TOGETHER_AI_API_KEY", "TOGETHERAI_API_KEY", "TOGETHER_AI_TOKEN"],
        KeyRequired = true, OtelName = "together_ai", RejectedParams = Rejects(),
    };

    public static readonly ProviderSpec Mistral = new()
    {
        Prefix = "mistral", Name = "mistral", DisplayName = "Mistral AI", Kind = ProviderKind.OpenAI,
        DefaultApiBase = "https://api.mistral.ai/v1", ApiBaseEnv = ["MISTRAL_AZURE_API_BASE"], ApiKeyEnv = ["MISTRAL_AZURE_API_KEY", "MISTRAL_API_KEY"],
        KeyRequired = true, OtelName = "mistral_ai",
        // Mistral refuses fields it does not know; LiteLLM sends it only these OpenAI parameters.
        RejectedParams = Rejects("logit_bias", "logprobs", "top_logprobs", "user", "seed", "n", "frequency_penalty", "presence_penalty",
            "reasoning_effort", "functions", "function_call", "stream_options", "max_completion_tokens"),
    };

    public static readonly ProviderSpec XAI = new()
    {
        Prefix = "xai", Name = "xai", DisplayName = "xAI", Kind = ProviderKind.OpenAI,
        DefaultApiBase = "https://api.x.ai/v1", ApiBaseEnv = ["XAI_API_BASE"], ApiKeyEnv = ["XAI_API_KEY"],
        KeyRequired = true, OtelName = "x_ai", SupportsResponses = true, RejectedParams = Rejects("max_completion_tokens"),
    };

    public static readonly ProviderSpec FireworksAI = new()
    {
        Prefix = "fireworks_ai", Name = "fireworks_ai", DisplayName = "Fireworks AI", Kind = ProviderKind.OpenAI,
        DefaultApiBase = "https://api.fireworks.ai/inference/v1", ApiBaseEnv = ["FIREWORKS_API_BASE"],
        ApiKeyEnv = ["FIREWORKS_API_KEY", "FIREWORKS_AI_API_KEY", "FIREWORKSAI_API_KEY", "FIREWORKS_AI_TOKEN"],
        KeyRequired = true, OtelName = "fireworks_ai",
        RejectedParams = Rejects("logit_bias", "top_logprobs", "seed", "parallel_tool_calls", "max_completion_tokens"),
        ModelNamespace = "accounts/fireworks/models/", QualifiedModelStart = "accounts/",
    };

    public static readonly ProviderSpec Perplexity = new()
    {
        Prefix = "perplexity", Name = "perplexity", DisplayName = "Perplexity", Kind = ProviderKind.OpenAI,
        DefaultApiBase = "https://api.perplexity.ai", ApiBaseEnv = ["PERPLEXITY_API_BASE"], ApiKeyEnv = ["PERPLEXITYAI_API_KEY", "PERPLEXITY_API_KEY"],
        KeyRequired = true, OtelName = "perplexity",
        RejectedParams = Rejects("tools", "tool_choice", "parallel_tool_calls", "logit_bias", "logprobs", "top_logprobs", "seed", "n",
            "stop", "user", "functions", "function_call", "stream_options", "max_completion_tokens"),
    };

    public static readonly ProviderSpec LmStudio = new()
    {
        Prefix = "lm_studio", Name = "lm_studio", DisplayName = "LM Studio", Kind = ProviderKind.OpenAI,
        ApiBaseEnv = ["LM_STUDIO_API_BASE"], ApiKeyEnv = ["LM_STUDIO_API_KEY"], OtelName = "lm_studio",
    };

    public static readonly ProviderSpec OpenAILike = new()
    {
        Prefix = "openai_like", Name = "openai_like", DisplayName = "any OpenAI-compatible server", Kind = ProviderKind.OpenAI, OtelName = "openai_like",
    };

    /// <summary>Gemini through Google's OpenAI-compatible endpoint (LiteLLM itself speaks Gemini's native API).</summary>
    public static readonly ProviderSpec Gemini = new()
    {
        Prefix = "gemini", Name = "gemini", DisplayName = "Google Gemini", Kind = ProviderKind.OpenAI,
        DefaultApiBase = "https://generativelanguage.googleapis.com/v1beta/openai", ApiBaseEnv = ["GEMINI_API_BASE"],
        ApiKeyEnv = ["GEMINI_API_KEY", "GOOGLE_API_KEY"], KeyRequired = true, OtelName = "gcp.gemini",
        RejectedParams = Rejects("logit_bias", "logprobs", "top_logprobs", "user", "parallel_tool_calls", "functions", "function_call"),
        Status = "supported through Google's OpenAI-compatible endpoint",
    };

    /// <summary>Every provider Bridge loads, in the README's order.</summary>
    public static IReadOnlyList<ProviderSpec> All { get; } =
    [
        OpenAI, Azure, Anthropic, Bedrock, VertexAi, AzureAi, Ollama, HostedVllm, OpenRouter, DeepSeek, Groq, TogetherAI, Mistral, XAI, FireworksAI,
        Perplexity, LmStudio, OpenAILike, Gemini, Echo,
    ];

    /// <summary>Prefixes LiteLLM knows that Bridge does not call yet, with what to use meanwhile.</summary>
    public static IReadOnlyDictionary<string, string> NotYet { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
    };

    /// <summary>
    /// LiteLLM's other provider prefixes. A deployment naming one loads as unavailable (Bridge cannot call it), so a
    /// LiteLLM config still starts; a prefix LiteLLM does not know either is a typo and stops startup.
    /// </summary>
    private static readonly FrozenSet<string> OtherLiteLLMPrefixes = new[]
    {
        "vertex_ai_beta", "sagemaker", "sagemaker_chat", "cohere", "cohere_chat", "huggingface", "replicate", "databricks",
        "watsonx", "watsonx_text", "anyscale", "deepinfra", "cerebras", "sambanova", "nvidia_nim", "ai21", "ai21_chat", "voyage",
        "codestral", "text-completion-codestral", "cloudflare", "palm", "nlp_cloud", "aleph_alpha", "petals", "predibase",
        "friendliai", "github", "github_copilot", "litellm_proxy", "xinference", "llamafile", "triton", "clarifai", "volcengine",
        "dashscope", "moonshot", "nscale", "galadriel", "snowflake", "empower", "meta_llama", "featherless_ai", "novita",
        "nebius", "hyperbolic", "lambda_ai", "jina_ai", "infinity", "oci", "gradient_ai", "custom_openai", "custom",
        "aiohttp_openai", "baseten", "datarobot", "ovhcloud", "v0", "morph", "wandb", "heroku", "vllm", "text-completion-openai_like",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The row for a LiteLLM prefix Bridge cannot call, or null when LiteLLM does not know it either.</summary>
    public static ProviderSpec? Unsupported(string prefix)
    {
        var reason = NotYet.TryGetValue(prefix, out var status) ? status
            : OtherLiteLLMPrefixes.Contains(prefix) ? "not supported by Bridge" : null;
        return reason is null ? null : new ProviderSpec
        {
            Prefix = prefix, Name = prefix, DisplayName = prefix, Kind = ProviderKind.OpenAI, OtelName = prefix,
            Status = reason, UnsupportedReason = $"provider '{prefix}/' is {reason}; this deployment serves nothing (loadable: {KnownPrefixes})",
        };
    }

    private static readonly FrozenDictionary<string, ProviderSpec> ByPrefix = All
        .SelectMany(p => p.Aliases.Prepend(p.Prefix).Select(prefix => (prefix, p)))
        .ToFrozenDictionary(x => x.prefix, x => x.p, StringComparer.Ordinal);

    public static ProviderSpec? Find(string prefix) => ByPrefix.GetValueOrDefault(prefix);

    /// <summary>The table row of a wire kind's first provider, for code that only knows the kind.</summary>
    public static ProviderSpec ForKind(ProviderKind kind) => kind switch
    {
        ProviderKind.Azure => Azure,
        ProviderKind.Ollama => Ollama,
        ProviderKind.Anthropic => Anthropic,
        ProviderKind.Bedrock => Bedrock,
        ProviderKind.VertexAi => VertexAi,
        ProviderKind.Echo => Echo,
        _ => OpenAI,
    };

    /// <summary>The loadable prefixes, for error messages.</summary>
    public static string KnownPrefixes => string.Join(", ", All.Where(p => !ReferenceEquals(p, Echo)).SelectMany(p => p.Aliases.Prepend(p.Prefix))) + ", bridge/echo";
}
