using System.Text.Json;

namespace Bridge.Gateway.Configuration;

/// <summary>One <c>model_list</c> entry: a concrete upstream that serves a public model name.</summary>
public sealed class ModelDeployment
{
    /// <summary>Stable id: <c>{model_name}#{index in model_list}</c>, or <c>model_info.id</c> when given.</summary>
    public required string Id { get; init; }
    /// <summary>The public name clients ask for (<c>model_name</c>); deployments sharing it form a group.</summary>
    public required string ModelName { get; init; }
    public required ProviderKind Provider { get; init; }
    /// <summary>The provider's row in <see cref="Providers"/>; defaults to the first row of <see cref="Provider"/>'s kind.</summary>
    public ProviderSpec Spec { get => _spec ?? Providers.ForKind(Provider); init => _spec = value; }
    private readonly ProviderSpec? _spec;
    /// <summary>The provider-side model or deployment name (the part after the prefix).</summary>
    public required string UpstreamModel { get; init; }
    /// <summary>The API the deployment is called with (<see cref="UpstreamApiChoice"/>), and why.</summary>
    public UpstreamApi Api { get; init; }
    public string ApiReason { get; init; } = "default";
    /// <summary>The <c>litellm_params.model</c> string as written, for logs.</summary>
    public required string ConfiguredModel { get; init; }
    public string? ApiBase { get; init; }
    public string? ApiVersion { get; init; }
    /// <summary>The resolved key, or null when none is configured (or its variable is unset).</summary>
    public string? ApiKey { get; init; }
    /// <summary>Entra ID auth of an Azure deployment without a key, or null.</summary>
    public EntraAuth? Entra { get; init; }
    /// <summary>
    /// A wildcard deployment (<c>model: openai/*</c>): the client's model name fills the <c>*</c>. Null otherwise.
    /// </summary>
    public WildcardModel? Wildcard { get; init; }
    /// <summary>Why the deployment cannot serve requests (e.g. an unset environment variable), or null.</summary>
    public string? UnavailableReason { get; init; }
    public TimeSpan? Timeout { get; init; }
    public TimeSpan? StreamTimeout { get; init; }
    /// <summary>Longest wait for the first streamed chunk; past it the request fails over (nothing was sent yet).</summary>
    public TimeSpan? FirstTokenTimeout { get; init; }
    /// <summary>Longest silence between chunks once streaming; past it the stream ends with an error event.</summary>
    public TimeSpan? StreamIdleTimeout { get; init; }
    /// <summary>Cap on output tokens: <c>litellm_params.max_tokens</c>, else <c>model_info.max_tokens</c>/<c>max_output_tokens</c>.</summary>
    public int? MaxOutputTokens { get; init; }
    public int? Rpm { get; init; }
    public int? Tpm { get; init; }
    public double? Weight { get; init; }
    public int? Order { get; init; }
    public int? MaxRetries { get; init; }
    public IReadOnlyDictionary<string, string> ExtraHeaders { get; init; } = new Dictionary<string, string>();
    /// <summary>Request parameters set on every upstream call (e.g. <c>temperature: 1</c>).</summary>
    public IReadOnlyDictionary<string, JsonElement> DefaultParams { get; init; } = new Dictionary<string, JsonElement>();
    /// <summary>Per-deployment <c>drop_params</c>; null means the global setting applies.</summary>
    public bool? DropParams { get; init; }
    public IReadOnlyList<string> AdditionalDropParams { get; init; } = [];
    public ModelInfo Info { get; init; } = new();
    /// <summary>The cloud that serves this Claude deployment (Bedrock, Vertex AI), or null for Anthropic's own API and the rest.</summary>
    public Upstream.Hosts.AnthropicHost? Host { get; init; }
    /// <summary>
    /// <c>litellm_params.cache_control_injection_points</c>: where cache breakpoints are added to OpenAI-format
    /// requests sent to this (Anthropic) deployment. Null when not configured: Bridge's default applies
    /// (docs/translation.md, "Prompt caching"); an empty list turns injection off.
    /// </summary>
    public IReadOnlyList<CacheControlInjectionPoint>? CacheControlInjectionPoints { get; init; }

    public bool IsAvailable => UnavailableReason is null;

    /// <summary>
    /// This wildcard deployment serving one concrete model: same id (limits, cooldowns and stats stay the
    /// pattern's), the upstream model filled in.
    /// </summary>
    public ModelDeployment WithUpstreamModel(string upstreamModel) => new()
    {
        Id = Id, ModelName = ModelName, Provider = Provider, Spec = Spec, UpstreamModel = upstreamModel, Api = Api, ApiReason = ApiReason,
        ConfiguredModel = ConfiguredModel, ApiBase = ApiBase, ApiVersion = ApiVersion, ApiKey = ApiKey, Entra = Entra, Wildcard = Wildcard,
        UnavailableReason = UnavailableReason, Timeout = Timeout, StreamTimeout = StreamTimeout, FirstTokenTimeout = FirstTokenTimeout,
        StreamIdleTimeout = StreamIdleTimeout, MaxOutputTokens = MaxOutputTokens, Rpm = Rpm, Tpm = Tpm, Weight = Weight, Order = Order,
        MaxRetries = MaxRetries, ExtraHeaders = ExtraHeaders, DefaultParams = DefaultParams, DropParams = DropParams,
        AdditionalDropParams = AdditionalDropParams, Info = Info,
    };
}

/// <summary>The <c>model_info</c> block: limits and prices.</summary>
public sealed class ModelInfo
{
    public int? MaxTokens { get; init; }
    public int? MaxInputTokens { get; init; }
    public decimal? InputCostPerToken { get; init; }
    public decimal? OutputCostPerToken { get; init; }
    /// <summary>USD per cache-read input token (<c>cache_read_input_token_cost</c>); null: the input price.</summary>
    public decimal? CacheReadInputTokenCost { get; init; }
    /// <summary>USD per cache-write input token (<c>cache_creation_input_token_cost</c>); null: the input price.</summary>
    public decimal? CacheCreationInputTokenCost { get; init; }
    /// <summary>Explicit reasoning-model flag (<c>supports_reasoning</c>); null means guess from the name.</summary>
    public bool? SupportsReasoning { get; init; }
}
