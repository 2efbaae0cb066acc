namespace Bridge.Gateway.Configuration;

/// <summary>The gateway's configuration, loaded from a LiteLLM-style <c>config.yaml</c> and resolved against the environment.</summary>
public sealed class BridgeConfig
{
    public IReadOnlyList<ModelDeployment> Deployments { get; init; } = [];
    /// <summary><c>litellm_settings.model_alias_map</c>: client-facing name -> model group name.</summary>
    public IReadOnlyDictionary<string, string> Aliases { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
    public bool DropParams { get; init; }
    public IReadOnlyList<string> AdditionalDropParams { get; init; } = [];
    /// <summary>The <c>callbacks</c> that name pre-call hooks (LiteLLM integrations are taken out, see <see cref="LitellmIntegrations"/>).</summary>
    public IReadOnlyList<string> Callbacks { get; init; } = [];
    /// <summary>
    /// <c>prometheus</c> is among <c>callbacks</c>/<c>success_callback</c>/<c>failure_callback</c>: LiteLLM then serves
    /// <c>/metrics</c>.
    /// </summary>
    public bool PrometheusCallback { get; init; }

    /// <summary><c>litellm_settings.require_auth_for_metrics_endpoint</c>: <c>/metrics</c> needs the master key unless false.</summary>
    public bool RequireAuthForMetrics { get; init; } = true;
    /// <summary>The master key from <c>general_settings.master_key</c> or the environment; null when none is set.</summary>
    public string? MasterKey { get; init; }
    /// <summary>Where the master key came from, for the startup log (never the value).</summary>
    public string? MasterKeySource { get; init; }
    public RouterSettings Router { get; init; } = new();
    /// <summary><c>general_settings.max_request_size_mb</c> in bytes, when set.</summary>
    public long? MaxRequestBytes { get; init; }
    /// <summary><c>general_settings.max_response_size_mb</c> in bytes, when set: the cap on a non-streaming upstream body.</summary>
    public long? MaxResponseBytes { get; init; }
    /// <summary>Non-fatal findings (unknown keys, ignored settings), each naming its path.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
    /// <summary>The file this was loaded from, or null for an empty configuration.</summary>
    public string? SourcePath { get; init; }

    /// <summary>All public model names (groups), in config order.</summary>
    public IEnumerable<string> ModelNames => Deployments.Select(d => d.ModelName).Distinct(StringComparer.Ordinal);

    public static BridgeConfig Empty { get; } = new();
}
