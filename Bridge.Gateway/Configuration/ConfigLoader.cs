using System.Globalization;
using System.Text.Json;
using Bridge.Gateway.Protocols.Anthropic;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Bridge.Gateway.Configuration;

/// <summary>
/// Reads a LiteLLM-format <c>config.yaml</c>. Walks the YAML tree by hand so that every problem can
/// name its path (<c>model_list[1].litellm_params.model</c>) and every unknown key becomes a warning.
/// </summary>
public static class ConfigLoader
{
    private const string EnvPrefix = "os.environ/";

    private static readonly HashSet<string> TopLevelKeys = ["model_list", "litellm_settings", "general_settings", "router_settings", "environment_variables"];
    private static readonly HashSet<string> DeploymentKeys = ["model_name", "litellm_params", "model_info"];

    /// <summary>Keys of <c>litellm_params</c> that describe the deployment itself.</summary>
    private static readonly HashSet<string> StructuralParams =
    [
        "model", "api_base", "base_url", "api_key", "api_version", "timeout", "stream_timeout", "max_tokens", "rpm", "tpm",
        "weight", "order", "extra_headers", "max_retries", "drop_params", "additional_drop_params", "organization",
        "input_cost_per_token", "output_cost_per_token", "cache_read_input_token_cost", "cache_creation_input_token_cost",
        "first_token_timeout", "stream_idle_timeout", "cache_control_injection_points",
        "session_affinity",
        "azure_ad_token", "tenant_id", "client_id", "client_secret", "azure_scope", "azure_authority_host",
    ];

    /// <summary>Keys of <c>litellm_params</c> that are request parameters set on every upstream call.</summary>
    private static readonly HashSet<string> DefaultRequestParams =
    [
        "temperature", "top_p", "seed", "frequency_penalty", "presence_penalty", "reasoning_effort", "max_completion_tokens",
        "logit_bias", "response_format", "parallel_tool_calls", "service_tier", "verbosity", "top_k",
    ];

    private static readonly HashSet<string> ModelInfoKeys =
    [
        "id", "max_tokens", "max_input_tokens", "max_output_tokens", "input_cost_per_token", "output_cost_per_token",
        "cache_read_input_token_cost", "cache_creation_input_token_cost", "supports_reasoning", "mode", "base_model",
        "supports_function_calling", "supports_vision", "supports_prompt_caching", "description",
    ];

    private static readonly HashSet<string> LitellmSettingsKeys =
    [
        "drop_params", "additional_drop_params", "model_alias_map", "callbacks", "num_retries", "request_timeout",
        "set_verbose", "json_logs", "success_callback", "failure_callback", "fallbacks", "context_window_fallbacks",
        "content_policy_fallbacks", "cache", "cache_params", "telemetry", "require_auth_for_metrics_endpoint",
    ];

    private static readonly HashSet<string> GeneralSettingsKeys = ["master_key", "database_url", "store_model_in_db", "max_request_size_mb", "max_response_size_mb"];

    private static readonly HashSet<string> RouterSettingsKeys =
    [
        "routing_strategy", "num_retries", "timeout", "allowed_fails", "cooldown_time", "fallbacks", "context_window_fallbacks",
        "content_policy_fallbacks", "retry_policy", "allowed_fails_policy", "redis_host", "redis_port", "redis_password",
        "enable_pre_call_checks", "routing_strategy_args", "stream_timeout", "first_token_timeout", "stream_idle_timeout",
        "session_affinity",
    ];

    public static BridgeConfig LoadFile(string path, EnvironmentSource env)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{path}: cannot read the configuration file ({ex.Message})");
        }
        return Parse(text, env, path);
    }

    public static BridgeConfig Parse(string yaml, EnvironmentSource env, string? sourcePath = null)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new ConfigException($"{sourcePath ?? "config"}: invalid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {ex.Message}");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return new BridgeConfig { SourcePath = sourcePath };
        }

        var root = stream.Documents[0].RootNode as YamlMappingNode
            ?? throw new ConfigException("config: the top level must be a mapping (model_list, litellm_settings, ...)");

        var warnings = new List<string>();
        WarnUnknown(root, TopLevelKeys, "", warnings);
        env = WithEnvironmentVariables(root, env);

        var deployments = new List<ModelDeployment>();
        if (Child(root, "model_list") is { } modelList)
        {
            if (modelList is not YamlSequenceNode seq) throw new ConfigException("model_list: must be a list");
            for (var i = 0; i < seq.Children.Count; i++)
            {
                deployments.Add(ParseDeployment(seq.Children[i], i, env, warnings));
            }
        }

        var litellm = Mapping(root, "litellm_settings", "litellm_settings");
        var general = Mapping(root, "general_settings", "general_settings");
        var router = Mapping(root, "router_settings", "router_settings");
        if (litellm is not null) WarnUnknown(litellm, LitellmSettingsKeys, "litellm_settings", warnings);
        if (general is not null) WarnUnknown(general, GeneralSettingsKeys, "general_settings", warnings);
        if (router is not null) WarnUnknown(router, RouterSettingsKeys, "router_settings", warnings);

        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        if (litellm is not null && Mapping(litellm, "model_alias_map", "litellm_settings.model_alias_map") is { } aliasMap)
        {
            foreach (var (k, v) in aliasMap.Children)
            {
                var name = Scalar(k, "litellm_settings.model_alias_map");
                aliases[name] = Scalar(v, $"litellm_settings.model_alias_map.{name}");
            }
        }

        var names = deployments.Select(d => d.ModelName).ToHashSet(StringComparer.Ordinal);
        foreach (var (alias, target) in aliases)
        {
            if (!names.Contains(target) && !deployments.Any(d => d.Wildcard?.Match(target) is not null))
            {
                warnings.Add($"litellm_settings.model_alias_map.{alias}: points to '{target}', which is not a model_name in model_list");
            }
        }

        var callbacks = litellm is null ? [] : StringList(litellm, "callbacks", "litellm_settings.callbacks");
        var integrations = LitellmIntegrations.Classify(litellm, callbacks, warnings, StringList);
        if (litellm is not null && (Child(litellm, "cache") is not null || Child(litellm, "cache_params") is not null)
            && (Child(litellm, "cache") is not YamlScalarNode cacheFlag || cacheFlag.Value is not ("false" or "False")))
        {
            warnings.Add("litellm_settings.cache: Bridge does not cache responses; every request goes upstream "
                + "(the providers' own prompt caching still applies, and its savings are priced)");
        }
        if (Bool(router, "enable_pre_call_checks", "router_settings") == true)
        {
            warnings.Add("router_settings.enable_pre_call_checks: Bridge does not pre-filter deployments by context window; "
                + "a deployment that refuses a prompt as too long fails over to router_settings.context_window_fallbacks");
        }

        string? masterKey = null;
        string? masterKeySource = null;
        if (general is not null && Child(general, "master_key") is { } mk)
        {
            var raw = Scalar(mk, "general_settings.master_key");
            if (raw.StartsWith(EnvPrefix, StringComparison.Ordinal))
            {
                var varName = raw[EnvPrefix.Length..];
                masterKey = env.Get(varName);
                masterKeySource = masterKey is null ? null : $"general_settings.master_key ({varName})";
            }
            else
            {
                masterKey = raw;
                masterKeySource = "general_settings.master_key";
            }
        }
        foreach (var variable in new[] { "BRIDGE_MASTER_KEY", "LITELLM_MASTER_KEY" })
        {
            if (masterKey is not null) break;
            masterKey = env.Get(variable);
            if (masterKey is not null) masterKeySource = variable;
        }

        var maxRequestMb = PositiveMegabytes(general, "max_request_size_mb");
        var maxResponseMb = PositiveMegabytes(general, "max_response_size_mb");

        var numRetries = Int(router, "num_retries", "router_settings") ?? Int(litellm, "num_retries", "litellm_settings") ?? 2;
        var routerSettings = new RouterSettings
        {
            RoutingStrategy = RoutingStrategyName(router, warnings),
            NumRetries = numRetries,
            Timeout = Seconds(router, "timeout", "router_settings") ?? Seconds(litellm, "request_timeout", "litellm_settings"),
            AllowedFails = Int(router, "allowed_fails", "router_settings") ?? 3,
            CooldownTime = Seconds(router, "cooldown_time", "router_settings") ?? TimeSpan.FromSeconds(5),
            Fallbacks = FallbackList(router, litellm, "fallbacks"),
            ContextWindowFallbacks = FallbackList(router, litellm, "context_window_fallbacks"),
            ContentPolicyFallbacks = FallbackList(router, litellm, "content_policy_fallbacks"),
            RetryPolicy = RetryPolicy(router),
            LowestLatencyBuffer = router is not null && Mapping(router, "routing_strategy_args", "router_settings.routing_strategy_args") is { } strategyArgs
                ? Double(strategyArgs, "lowest_latency_buffer", "router_settings.routing_strategy_args")
                : null,
            FirstTokenTimeout = Seconds(router, "first_token_timeout", "router_settings"),
            StreamIdleTimeout = Seconds(router, "stream_idle_timeout", "router_settings") ?? TimeSpan.FromMinutes(5),
            SessionAffinity = Bool(router, "session_affinity", "router_settings") ?? true,
        };

        return new BridgeConfig
        {
            Deployments = deployments,
            Aliases = aliases,
            DropParams = Bool(litellm, "drop_params", "litellm_settings") ?? false,
            AdditionalDropParams = litellm is null ? [] : StringList(litellm, "additional_drop_params", "litellm_settings.additional_drop_params"),
            Callbacks = integrations.Hooks,
            PrometheusCallback = integrations.Prometheus,
            RequireAuthForMetrics = Bool(litellm, "require_auth_for_metrics_endpoint", "litellm_settings") ?? true,
            MasterKey = masterKey,
            MasterKeySource = masterKeySource,
            Router = routerSettings,
            MaxRequestBytes = maxRequestMb is { } mb ? (long)(mb * 1024 * 1024) : null,
            MaxResponseBytes = maxResponseMb is { } rmb ? (long)(rmb * 1024 * 1024) : null,
            Warnings = warnings,
            SourcePath = sourcePath,
        };
    }

    /// <summary>
    /// Reads one <c>model_list</c> entry given as JSON (a deployment stored at runtime), exactly as an entry of the file;
    /// <paramref name="label"/> names it in messages.
    /// </summary>
    public static ModelDeployment ParseEntry(string json, string label, EnvironmentSource env, List<string> warnings, string? unavailable = null)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(json));
        }
        catch (YamlException ex)
        {
            throw new ConfigException($"{label}: not a valid entry ({ex.Message})");
        }
        return ParseDeployment(stream.Documents[0].RootNode, -1, env, warnings, label, unavailable);
    }

    private static ModelDeployment ParseDeployment(YamlNode node, int index, EnvironmentSource env, List<string> warnings, string? label = null,
        string? knownUnavailable = null)
    {
        var path = label ?? $"model_list[{index}]";
        if (node is not YamlMappingNode entry) throw new ConfigException($"{path}: must be a mapping with model_name and litellm_params");
        WarnUnknown(entry, DeploymentKeys, path, warnings);

        var modelName = Child(entry, "model_name") is { } mn ? Scalar(mn, $"{path}.model_name") : throw new ConfigException($"{path}.model_name: missing");
        if (string.IsNullOrWhiteSpace(modelName)) throw new ConfigException($"{path}.model_name: must not be empty");

        var p = Mapping(entry, "litellm_params", $"{path}.litellm_params") ?? throw new ConfigException($"{path}.litellm_params: missing");
        var pp = $"{path}.litellm_params";

        var model = Child(p, "model") is { } m ? Scalar(m, $"{pp}.model") : throw new ConfigException($"{pp}.model: missing");
        var unavailable = knownUnavailable;
        ProviderSpec spec;
        string upstreamModel;
        if (model == "*")
        {
            // LiteLLM then takes the provider from each request's model name; Bridge routes by the config's provider.
            (spec, upstreamModel) = (Providers.OpenAI, "*");
            unavailable = $"{pp}.model: '*' (the provider taken from each request) is not supported; name the provider, e.g. openai/*";
        }
        else
        {
            (spec, upstreamModel) = ParseProvider(model, $"{pp}.model");
        }
        var provider = spec.Kind;
        upstreamModel = spec.QualifyModel(upstreamModel);
        if (spec.UnsupportedReason is { } notCallable) unavailable ??= $"{pp}.model: {notCallable}";
        if (spec.UnsupportedReason is null) // a provider Bridge cannot call has keys of its own; its reason says enough
        {
            foreach (var (k, _) in p.Children)
            {
                var key = ((YamlScalarNode)k).Value ?? "";
                if (!StructuralParams.Contains(key) && !DefaultRequestParams.Contains(key) && !HostedClaudeConfig.Keys.Contains(key))
                {
                    warnings.Add($"{pp}.{key}: unknown key, ignored");
                }
            }
        }

        string? ResolveSecret(string key)
        {
            if (Child(p, key) is not { } n) return null;
            var raw = Scalar(n, $"{pp}.{key}");
            if (!raw.StartsWith(EnvPrefix, StringComparison.Ordinal)) return raw;
            var variable = raw[EnvPrefix.Length..];
            var value = env.Get(variable);
            if (value is null) unavailable ??= $"environment variable {variable} is not set (needed by {pp}.{key})";
            return value;
        }

        string? FirstSet(IReadOnlyList<string> variables)
        {
            foreach (var variable in variables)
            {
                if (env.Get(variable) is { } value) return value;
            }
            return null;
        }

        var apiKey = ResolveSecret("api_key");
        var apiBase = ResolveSecret("api_base") ?? ResolveSecret("base_url");
        var apiVersion = ResolveSecret("api_version");
        var ownBase = apiBase is not null;
        if (apiBase is null && unavailable is null)
        {
            apiBase = FirstSet(spec.ApiBaseEnv);
            ownBase = apiBase is not null;
            apiBase ??= spec.DefaultApiBase;
        }
        if (apiKey is null && unavailable is null) apiKey = FirstSet(spec.ApiKeyEnv);
        // Claude on Foundry lives under the resource's /anthropic path (https://{resource}.services.ai.azure.com/anthropic/v1/messages).
        if (ReferenceEquals(spec, Providers.AzureAiClaude) && apiBase is not null && !apiBase.Contains("/anthropic", StringComparison.Ordinal))
        {
            apiBase = apiBase.TrimEnd('/') + "/anthropic";
        }

        EntraAuth? entra = null;
        if (provider == ProviderKind.Azure)
        {
            if (apiVersion is null && unavailable is null) apiVersion = env.Get("AZURE_API_VERSION"); // as LiteLLM reads it
            entra = AzureEntra(ResolveSecret, key => Child(p, key) is not null, apiKey, env, pp);
            if (apiBase is null && unavailable is null)
            {
                throw new ConfigException($"{pp}.api_base: missing (Azure deployments need the resource URL; or set AZURE_API_BASE)");
            }
        }
        else if (apiBase is null && unavailable is null && provider is not (ProviderKind.Echo or ProviderKind.Bedrock or ProviderKind.VertexAi))
        {
            unavailable = $"{pp}.api_base: missing ({spec.Prefix}/ has no default; set api_base{(spec.ApiBaseEnv.Count > 0 ? " or " + spec.ApiBaseEnv[0] : "")})";
        }
        if (spec.KeyRequired && apiKey is null && unavailable is null && (!ownBase || provider == ProviderKind.Anthropic))
        {
            unavailable = $"environment variable {string.Join(" or ", spec.ApiKeyEnv)} is not set and {pp}.api_key is missing";
        }

        var extraBetas = StringList(p, "bedrock_betas", $"{pp}.bedrock_betas")
            .SelectMany(value => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        var (host, hostUnavailable) = HostedClaudeConfig.Create(provider, upstreamModel, ResolveSecret, apiBase, env, TimeProvider.System, warnings, pp, extraBetas);
        unavailable ??= hostUnavailable;

        if (apiBase is not null && !Uri.TryCreate(apiBase, UriKind.Absolute, out _))
        {
            throw new ConfigException($"{pp}.api_base: '{apiBase}' is not an absolute URL");
        }

        var defaults = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (k, v) in p.Children)
        {
            var key = ((YamlScalarNode)k).Value ?? "";
            if (!DefaultRequestParams.Contains(key)) continue;
            defaults[key] = ToJson(v);
            if (spec.RejectedParams.Contains(key))
            {
                warnings.Add($"{pp}.{key}: {spec.DisplayName} has no such parameter; not sent to this deployment");
            }
            else if (provider.SpeaksAnthropic() && !NativeDefaults.Keys.Contains(key))
            {
                warnings.Add($"{pp}.{key}: applied to requests from OpenAI-format clients only; Anthropic clients' requests keep their own settings");
            }
        }
        if (provider.SpeaksAnthropic() && defaults.Count > 0)
        {
            foreach (var key in NativeDefaults.Keys)
            {
                // Natively forwarded requests get these as they are: they must be numbers.
                if (defaults.TryGetValue(key, out var value) && value.ValueKind != JsonValueKind.Number)
                {
                    throw new ConfigException($"{pp}.{key}: must be a number");
                }
            }
            CheckTranslatableDefaults(defaults, pp);
        }

        var extraHeaders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (Mapping(p, "extra_headers", $"{pp}.extra_headers") is { } headers)
        {
            foreach (var (k, v) in headers.Children)
            {
                var name = Scalar(k, $"{pp}.extra_headers");
                var value = Scalar(v, $"{pp}.extra_headers.{name}");
                if (value.StartsWith(EnvPrefix, StringComparison.Ordinal))
                {
                    var variable = value[EnvPrefix.Length..];
                    var resolved = env.Get(variable);
                    if (resolved is null)
                    {
                        unavailable ??= $"environment variable {variable} is not set (needed by {pp}.extra_headers.{name})";
                        continue;
                    }
                    value = resolved;
                }
                extraHeaders[name] = value;
            }
        }

        var injectionPoints = Child(p, "cache_control_injection_points") is { } pointsNode
            ? CacheControlInjectionPoint.ParseList(ToJson(pointsNode), $"{pp}.cache_control_injection_points", warnings)
            : null;

        var infoNode = Mapping(entry, "model_info", $"{path}.model_info");
        if (infoNode is not null) WarnUnknown(infoNode, ModelInfoKeys, $"{path}.model_info", warnings);
        var info = new ModelInfo
        {
            MaxTokens = Int(infoNode, "max_output_tokens", $"{path}.model_info") ?? Int(infoNode, "max_tokens", $"{path}.model_info"),
            MaxInputTokens = Int(infoNode, "max_input_tokens", $"{path}.model_info"),
            InputCostPerToken = Decimal(infoNode, "input_cost_per_token", $"{path}.model_info") ?? Decimal(p, "input_cost_per_token", pp),
            OutputCostPerToken = Decimal(infoNode, "output_cost_per_token", $"{path}.model_info") ?? Decimal(p, "output_cost_per_token", pp),
            CacheReadInputTokenCost = Decimal(infoNode, "cache_read_input_token_cost", $"{path}.model_info") ?? Decimal(p, "cache_read_input_token_cost", pp),
            CacheCreationInputTokenCost = Decimal(infoNode, "cache_creation_input_token_cost", $"{path}.model_info")
                ?? Decimal(p, "cache_creation_input_token_cost", pp),
            SupportsReasoning = Bool(infoNode, "supports_reasoning", $"{path}.model_info"),
        };
        var id = infoNode is not null && Child(infoNode, "id") is { } idNode ? Scalar(idNode, $"{path}.model_info.id") : $"{modelName}#{index}";
        var (api, apiReason, calledModel) = UpstreamApiChoice.Choose(spec, upstreamModel,
            infoNode is not null && Child(infoNode, "mode") is { } modeNode ? Scalar(modeNode, $"{path}.model_info.mode") : null,
            infoNode is not null && Child(infoNode, "base_model") is { } baseNode ? Scalar(baseNode, $"{path}.model_info.base_model") : null);

        return new ModelDeployment
        {
            Id = id,
            ModelName = modelName,
            Provider = provider,
            Spec = spec,
            UpstreamModel = calledModel,
            Api = api,
            ApiReason = apiReason,
            ConfiguredModel = model,
            ApiBase = apiBase,
            ApiVersion = apiVersion,
            ApiKey = apiKey,
            Entra = entra,
            Wildcard = modelName.Contains('*', StringComparison.Ordinal) ? new WildcardModel(modelName, calledModel) : null,
            UnavailableReason = unavailable,
            Timeout = Seconds(p, "timeout", pp),
            StreamTimeout = Seconds(p, "stream_timeout", pp),
            FirstTokenTimeout = Seconds(p, "first_token_timeout", pp),
            StreamIdleTimeout = Seconds(p, "stream_idle_timeout", pp),
            MaxOutputTokens = Int(p, "max_tokens", pp) ?? info.MaxTokens,
            Rpm = Int(p, "rpm", pp),
            Tpm = Int(p, "tpm", pp),
            Weight = Double(p, "weight", pp),
            Order = Int(p, "order", pp),
            MaxRetries = Int(p, "max_retries", pp),
            ExtraHeaders = extraHeaders,
            DefaultParams = defaults,
            DropParams = Bool(p, "drop_params", pp),
            AdditionalDropParams = StringList(p, "additional_drop_params", $"{pp}.additional_drop_params"),
            Info = info,
            CacheControlInjectionPoints = injectionPoints,
            Host = host,
        };
    }

    /// <summary>OpenAI's model families, which LiteLLM routes to OpenAI without a prefix.</summary>
    private static readonly string[] BareOpenAIModelStarts =
        ["gpt-", "o1", "o3", "o4", "chatgpt-", "text-embedding-", "dall-e", "whisper", "tts-", "omni-moderation", "text-moderation", "codex-"];

    /// <summary>Splits <c>azure/gpt-5.2-chat</c> into its provider's row and the upstream model.</summary>
    public static (ProviderSpec Provider, string Model) ParseProvider(string model, string path)
    {
        var slash = model.IndexOf('/');
        if (slash < 0)
        {
            // LiteLLM infers the provider for well-known bare names; do the same for the obvious families.
            if (BareOpenAIModelStarts.Any(start => model.StartsWith(start, StringComparison.Ordinal))) return (Providers.OpenAI, model);
            if (model.StartsWith("claude-", StringComparison.Ordinal)) return (Providers.Anthropic, model);
            throw new ConfigException($"{path}: '{model}' has no provider prefix (use one of: {Providers.KnownPrefixes})");
        }

        var prefix = model[..slash];
        var rest = model[(slash + 1)..];
        if (rest.Length == 0) throw new ConfigException($"{path}: '{model}' names no model after the provider prefix");
        if (prefix == Providers.Echo.Prefix)
        {
            return rest == "echo" ? (Providers.Echo, rest) : throw new ConfigException($"{path}: the only built-in model is bridge/echo");
        }
        if (Providers.Find(prefix) is { } spec)
        {
            // Foundry serves Claude through Anthropic's own API, every other model through OpenAI's.
            if (ReferenceEquals(spec, Providers.AzureAi) && rest.StartsWith("claude", StringComparison.Ordinal)) return (Providers.AzureAiClaude, rest);
            return (spec, spec.Kind == ProviderKind.Bedrock ? HostedClaudeConfig.BedrockModelId(rest) : rest);
        }
        if (Providers.Unsupported(prefix) is { } unsupported) return (unsupported, rest);
        throw new ConfigException($"{path}: unknown provider '{prefix}' (known: {Providers.KnownPrefixes})");
    }

    /// <summary>
    /// An Azure deployment's credential, in LiteLLM's order: <c>api_key</c>, then <c>azure_ad_token</c>, then
    /// <c>tenant_id</c> + <c>client_id</c> + <c>client_secret</c>, else the ambient identity.
    /// </summary>
    private static EntraAuth? AzureEntra(Func<string, string?> resolve, Func<string, bool> configured, string? apiKey, EnvironmentSource env, string path)
    {
        var staticToken = resolve("azure_ad_token");
        var tenant = resolve("tenant_id");
        var client = resolve("client_id");
        var secret = resolve("client_secret");
        var authorityText = resolve("azure_authority_host") ?? env.Get("AZURE_AUTHORITY_HOST");
        Uri? authority = null;
        if (authorityText is not null && (!Uri.TryCreate(authorityText, UriKind.Absolute, out authority) || authority.Scheme != Uri.UriSchemeHttps))
        {
            throw new ConfigException($"{path}.azure_authority_host: '{authorityText}' is not an https URL");
        }
        if (apiKey is not null) return null;
        if (staticToken is not null) return new EntraAuth { Kind = EntraAuthKind.StaticToken, StaticToken = staticToken };
        var scope = resolve("azure_scope") ?? EntraAuth.CognitiveServicesScope;
        // Checked as written, not as resolved: an unset variable makes the deployment unavailable, not the config wrong.
        if (configured("client_secret"))
        {
            if (!configured("tenant_id") || !configured("client_id"))
            {
                throw new ConfigException($"{path}.client_secret: needs tenant_id and client_id beside it (Entra ID client credentials)");
            }
            return new EntraAuth
            {
                Kind = EntraAuthKind.ClientSecret, TenantId = tenant, ClientId = client, ClientSecret = secret, Scope = scope, AuthorityHost = authority,
            };
        }
        // No secret: the ambient identity. A client_id picks a user-assigned managed identity, a tenant_id the tenant.
        return new EntraAuth { Kind = EntraAuthKind.Ambient, TenantId = tenant, ClientId = client, Scope = scope, AuthorityHost = authority };
    }

    /// <summary>
    /// <c>environment_variables</c>: LiteLLM puts them in its process environment at startup. Bridge gives them to
    /// the config's own lookups (<c>os.environ/NAME</c> and the providers' key and base variables), above the
    /// process environment as in LiteLLM, without changing the process environment itself.
    /// </summary>
    private static EnvironmentSource WithEnvironmentVariables(YamlMappingNode root, EnvironmentSource env)
    {
        if (Mapping(root, "environment_variables", "environment_variables") is not { } vars) return env;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in vars.Children)
        {
            var name = Scalar(k, "environment_variables");
            if (IsNull(v)) continue;
            var value = Scalar(v, $"environment_variables.{name}");
            // A value may itself point at the environment.
            values[name] = value.StartsWith(EnvPrefix, StringComparison.Ordinal) ? env.Get(value[EnvPrefix.Length..]) ?? "" : value;
        }
        return values.Count == 0 ? env : env.WithOverrides(values);
    }

    /// <summary>
    /// <c>router_settings.routing_strategy</c>. LiteLLM's <c>cost-based-routing</c> needs its price database, which Bridge
    /// does not carry: it loads as <c>simple-shuffle</c> with a warning. Any other name goes to the router, which
    /// refuses what it does not know.
    /// </summary>
    private static string RoutingStrategyName(YamlMappingNode? router, List<string> warnings)
    {
        var name = router is not null && Child(router, "routing_strategy") is { } rs ? Scalar(rs, "router_settings.routing_strategy") : "simple-shuffle";
        if (name != "cost-based-routing") return name;
        warnings.Add("router_settings.routing_strategy: cost-based-routing picks the cheapest deployment by LiteLLM's price database, "
            + "which Bridge does not have; Bridge routes with simple-shuffle (set weight or order to prefer the cheaper deployments)");
        return "simple-shuffle";
    }

    private static void WarnUnknown(YamlMappingNode node, HashSet<string> known, string path, List<string> warnings)
    {
        foreach (var (k, _) in node.Children)
        {
            var key = (k as YamlScalarNode)?.Value ?? "?";
            if (!known.Contains(key)) warnings.Add($"{(path.Length == 0 ? "" : path + ".")}{key}: unknown key, ignored");
        }
    }

    private static YamlNode? Child(YamlMappingNode? node, string key)
    {
        if (node is null) return null;
        foreach (var (k, v) in node.Children)
        {
            if (k is YamlScalarNode s && s.Value == key) return IsNull(v) ? null : v;
        }
        return null;
    }

    private static bool IsNull(YamlNode node) => node is YamlScalarNode { Style: not ScalarStyle.SingleQuoted and not ScalarStyle.DoubleQuoted } s
        && (s.Value is null or "" or "~" or "null");

    private static YamlMappingNode? Mapping(YamlMappingNode? node, string key, string path) => Child(node, key) switch
    {
        null => null,
        YamlMappingNode m => m,
        _ => throw new ConfigException($"{path}: must be a mapping"),
    };

    private static string Scalar(YamlNode node, string path) => node is YamlScalarNode s
        ? s.Value ?? ""
        : throw new ConfigException($"{path}: must be a single value, not a {(node is YamlSequenceNode ? "list" : "mapping")}");

    private static List<string> StringList(YamlMappingNode node, string key, string path) => Child(node, key) switch
    {
        null => [],
        YamlSequenceNode seq => seq.Children.Select((c, i) => Scalar(c, $"{path}[{i}]")).ToList(),
        YamlScalarNode s => [s.Value ?? ""],
        _ => throw new ConfigException($"{path}: must be a list"),
    };

    private static int? Int(YamlMappingNode? node, string key, string path)
    {
        if (Child(node, key) is not { } n) return null;
        var s = Scalar(n, $"{path}.{key}");
        if (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) return v;
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue) return (int)d;
        throw new ConfigException($"{path}.{key}: '{s}' is not a whole number");
    }

    private static double? Double(YamlMappingNode? node, string key, string path)
    {
        if (Child(node, key) is not { } n) return null;
        var s = Scalar(n, $"{path}.{key}");
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new ConfigException($"{path}.{key}: '{s}' is not a number");
    }

    /// <summary>A size in megabytes that must be above zero and at most 2047 (bodies are held in one array).</summary>
    private static double? PositiveMegabytes(YamlMappingNode? general, string key)
    {
        var value = Double(general, key, "general_settings");
        if (value is { } v && (v <= 0 || v > 2047 || double.IsNaN(v)))
        {
            throw new ConfigException($"general_settings.{key}: {v.ToString(CultureInfo.InvariantCulture)} must be above 0 and at most 2047 (megabytes)");
        }
        return value;
    }

    private static decimal? Decimal(YamlMappingNode? node, string key, string path)
    {
        if (Child(node, key) is not { } n) return null;
        var s = Scalar(n, $"{path}.{key}");
        return decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new ConfigException($"{path}.{key}: '{s}' is not a number");
    }

    private static TimeSpan? Seconds(YamlMappingNode? node, string key, string path) =>
        Double(node, key, path) is { } s ? TimeSpan.FromSeconds(s) : null;

    private static bool? Bool(YamlMappingNode? node, string key, string path)
    {
        if (Child(node, key) is not { } n) return null;
        var s = Scalar(n, $"{path}.{key}");
        return s.ToLowerInvariant() switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            _ => throw new ConfigException($"{path}.{key}: '{s}' is not true or false"),
        };
    }

    private static readonly HashSet<string> RetryPolicyKinds =
    [
        "RateLimitErrorRetries", "TimeoutErrorRetries", "InternalServerErrorRetries", "ContentPolicyViolationErrorRetries",
        "AuthenticationErrorRetries", "BadRequestErrorRetries",
    ];

    private static Dictionary<string, int> RetryPolicy(YamlMappingNode? router)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        if (router is null || Mapping(router, "retry_policy", "router_settings.retry_policy") is not { } policy) return result;
        foreach (var (k, _) in policy.Children)
        {
            var kind = Scalar(k, "router_settings.retry_policy");
            if (!RetryPolicyKinds.Contains(kind))
            {
                throw new ConfigException($"router_settings.retry_policy.{kind}: unknown error kind (known: {string.Join(", ", RetryPolicyKinds)})");
            }
            result[kind] = Int(policy, kind, "router_settings.retry_policy") ?? 0;
        }
        return result;
    }

    /// <summary>LiteLLM writes fallbacks as a list of single-key maps: <c>[{"gpt-5.2-chat": ["gpt-4o"]}]</c>.</summary>
    private static Dictionary<string, IReadOnlyList<string>> FallbackList(YamlMappingNode? router, YamlMappingNode? litellm, string key)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (node, section) in new[] { (litellm, "litellm_settings"), (router, "router_settings") })
        {
            if (Child(node, key) is not { } list) continue;
            var path = $"{section}.{key}";
            if (list is not YamlSequenceNode seq) throw new ConfigException($"{path}: must be a list of {{model: [fallbacks]}} maps");
            for (var i = 0; i < seq.Children.Count; i++)
            {
                if (seq.Children[i] is not YamlMappingNode map) throw new ConfigException($"{path}[{i}]: must be a map of model -> list of fallback models");
                foreach (var (k, v) in map.Children)
                {
                    var from = Scalar(k, $"{path}[{i}]");
                    result[from] = v switch
                    {
                        YamlSequenceNode targets => targets.Children.Select((t, j) => Scalar(t, $"{path}[{i}].{from}[{j}]")).ToList(),
                        YamlScalarNode s => [s.Value ?? ""],
                        _ => throw new ConfigException($"{path}[{i}].{from}: must be a list of model names"),
                    };
                }
            }
        }
        return result;
    }

    /// <summary>
    /// Defaults for an Anthropic deployment are translated with every request: one that cannot be (a misspelt
    /// <c>reasoning_effort</c>, a quoted number) would turn every request into a 400 naming a field the client
    /// never sent, so it stops the config here instead. The same translator does the checking.
    /// </summary>
    private static void CheckTranslatableDefaults(Dictionary<string, JsonElement> defaults, string path)
    {
        using var probe = Json.JsonTape.Parse("""{"model":"probe","messages":[{"role":"user","content":"probe"}]}"""u8.ToArray());
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        var result = Translation.OpenAIToAnthropic.ChatRequestToMessages.Translate(probe.Root,
            new Translation.OpenAIToAnthropic.AnthropicTarget { Model = "probe", DefaultParams = defaults, DropParams = true }, output);
        if (!result.Ok)
        {
            throw new ConfigException($"{path}{(result.ErrorParam is { } param ? "." + param : "")}: {result.ErrorMessage}");
        }
    }

    /// <summary>Turns a YAML scalar or structure into JSON, typing plain scalars the way YAML 1.2 core does.</summary>
    private static JsonElement ToJson(YamlNode node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer)) WriteJson(node, writer);
        return JsonDocument.Parse(buffer.ToArray()).RootElement.Clone();
    }

    private static void WriteJson(YamlNode node, Utf8JsonWriter writer)
    {
        switch (node)
        {
            case YamlMappingNode map:
                writer.WriteStartObject();
                foreach (var (key, value) in map.Children)
                {
                    writer.WritePropertyName(((YamlScalarNode)key).Value ?? "");
                    WriteJson(value, writer);
                }
                writer.WriteEndObject();
                break;
            case YamlSequenceNode seq:
                writer.WriteStartArray();
                foreach (var c in seq.Children) WriteJson(c, writer);
                writer.WriteEndArray();
                break;
            case YamlScalarNode s when s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted:
                writer.WriteStringValue(s.Value);
                break;
            case YamlScalarNode s:
                var v = s.Value ?? "";
                if (v is "true" or "false") writer.WriteBooleanValue(v == "true");
                else if (v is "" or "~" or "null") writer.WriteNullValue();
                else if (long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)) writer.WriteNumberValue(l);
                else if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) writer.WriteNumberValue(d);
                else writer.WriteStringValue(v);
                break;
        }
    }
}
