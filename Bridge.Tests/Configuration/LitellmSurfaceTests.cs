using Bridge.Gateway.Configuration;
using Bridge.Gateway.Hooks;
using Bridge.Gateway.Models;

namespace Bridge.Tests.Configuration;

/// <summary>
/// The rest of LiteLLM's config surface: wildcard model names, its integrations as callbacks, cache,
/// environment_variables and enable_pre_call_checks each load, doing what LiteLLM does or saying what Bridge does instead.
/// </summary>
public sealed class LitellmSurfaceTests
{
    private static EnvironmentSource Env(params (string Key, string Value)[] values) =>
        new(null, name => values.FirstOrDefault(v => v.Key == name).Value);

    private const string Wildcards = """
        model_list:
          - model_name: gpt-4o
            litellm_params: { model: openai/gpt-4o-2024-08-06, api_key: k }
          - model_name: "*"
            litellm_params: { model: "openai/*", api_key: k }
          - model_name: "openai/*"
            litellm_params: { model: "openai/*", api_key: k }
          - model_name: "groq/*"
            litellm_params: { model: "groq/*", api_key: g }
        """;

    [Theory]
    [InlineData("gpt-4.1-mini", "*", ProviderKind.OpenAI, "gpt-4.1-mini")]
    [InlineData("openai/gpt-4.1", "openai/*", ProviderKind.OpenAI, "gpt-4.1")]
    [InlineData("groq/llama-3.3-70b-versatile", "groq/*", ProviderKind.OpenAI, "llama-3.3-70b-versatile")]
    [InlineData("claude-anything", "*", ProviderKind.OpenAI, "claude-anything")]
    public void WildcardModelName_IsFilledWithTheClientsModel(string requested, string pattern, ProviderKind kind, string upstream)
    {
        var catalog = new ModelCatalog(ConfigLoader.Parse(Wildcards, Env()));

        var group = catalog.Resolve(requested)!;

        Assert.Equal(requested, group.Name);
        var d = Assert.Single(group.Deployments);
        Assert.Equal(pattern, d.ModelName);
        Assert.Equal(kind, d.Provider);
        Assert.Equal(upstream, d.UpstreamModel);
        Assert.Same(group, catalog.Resolve(requested)); // made once per name
    }

    [Fact]
    public void ExactModelName_WinsOverWildcards_AndWildcardsAreNotListed()
    {
        var catalog = new ModelCatalog(ConfigLoader.Parse(Wildcards, Env()));

        Assert.Equal("gpt-4o-2024-08-06", catalog.Resolve("gpt-4o")!.Deployments.Single().UpstreamModel);
        Assert.Equal(["gpt-4o"], catalog.PublicNames());
    }

    [Fact]
    public void Alias_ToANameAWildcardServes_Resolves_WithoutAWarning()
    {
        var config = ConfigLoader.Parse(Wildcards + "\n" + """
            litellm_settings:
              model_alias_map:
                claude-sonnet-4-5: openai/gpt-4.1
            """, Env());

        Assert.Empty(config.Warnings);
        Assert.Equal("gpt-4.1", new ModelCatalog(config).Resolve("claude-sonnet-4-5")!.Deployments.Single().UpstreamModel);
    }

    [Fact]
    public void WithoutACatchAll_AnUnmatchedNameIsNotServed()
    {
        var catalog = new ModelCatalog(ConfigLoader.Parse(Wildcards.Replace("""
              - model_name: "*"
                litellm_params: { model: "openai/*", api_key: k }

            """, ""), Env()));

        Assert.Null(catalog.Resolve("mystery-model"));
        Assert.NotNull(catalog.Resolve("openai/o3"));
    }

    [Fact]
    public void Prometheus_Loads_AndIsExposedForTheMetricsEndpoint()
    {
        var config = ConfigLoader.Parse("litellm_settings:\n  callbacks: [\"prometheus\"]\n", Env());

        Assert.True(config.PrometheusCallback);
        Assert.Empty(config.Callbacks);
        Assert.Empty(new HookRegistry(config, []).Active); // no "unknown hook" at startup
        Assert.DoesNotContain(config.Warnings, w => w.Contains("prometheus", StringComparison.Ordinal));
    }

    [Fact]
    public void LiteLLMIntegrations_LoadWithAWarningSayingWhatBridgeDoesInstead()
    {
        var config = ConfigLoader.Parse("""
            litellm_settings:
              callbacks: ["otel", "strip_params_hook.strip_params_hook"]
              success_callback: ["langfuse", "prometheus"]
              failure_callback: ["datadog", "my_module.on_failure"]
            """, Env());

        Assert.True(config.PrometheusCallback);
        Assert.Equal(["strip_params_hook.strip_params_hook"], config.Callbacks);
        Assert.Contains(config.Warnings, w => w.StartsWith("litellm_settings.callbacks[0]: 'otel': Bridge emits OpenTelemetry", StringComparison.Ordinal));
        Assert.Contains(config.Warnings, w => w.StartsWith("litellm_settings.success_callback[0]: 'langfuse' is a LiteLLM integration Bridge does not run", StringComparison.Ordinal));
        Assert.Contains(config.Warnings, w => w.StartsWith("litellm_settings.failure_callback[0]: 'datadog' is a LiteLLM integration", StringComparison.Ordinal));
        Assert.Contains(config.Warnings, w => w.StartsWith("litellm_settings.failure_callback[1]: 'my_module.on_failure': Bridge runs no success or failure callbacks", StringComparison.Ordinal));
        Assert.Single(new HookRegistry(config, []).Active);
    }

    [Fact]
    public void Cache_LoadsWithAWarning_UnlessTurnedOff()
    {
        var on = ConfigLoader.Parse("""
            litellm_settings:
              cache: true
              cache_params:
                type: redis
                ttl: 600
            """, Env());
        Assert.Contains(on.Warnings, w => w.StartsWith("litellm_settings.cache: Bridge does not cache responses", StringComparison.Ordinal));
        Assert.DoesNotContain(on.Warnings, w => w.Contains("unknown key", StringComparison.Ordinal));

        var off = ConfigLoader.Parse("litellm_settings:\n  cache: false\n", Env());
        Assert.Empty(off.Warnings);
    }

    [Fact]
    public void PreCallChecks_LoadWithAWarningNamingTheFallbackBridgeUses()
    {
        var config = ConfigLoader.Parse("router_settings:\n  enable_pre_call_checks: true\n", Env());

        Assert.Contains(config.Warnings, w => w.StartsWith("router_settings.enable_pre_call_checks:", StringComparison.Ordinal)
            && w.Contains("context_window_fallbacks", StringComparison.Ordinal));
    }

    [Fact]
    public void CostBasedRouting_LoadsAsSimpleShuffle_WithAWarning()
    {
        var config = ConfigLoader.Parse("router_settings:\n  routing_strategy: cost-based-routing\n", Env());

        Assert.Equal("simple-shuffle", config.Router.RoutingStrategy);
        Assert.Contains(config.Warnings, w => w.StartsWith("router_settings.routing_strategy: cost-based-routing", StringComparison.Ordinal));
        _ = new Bridge.Gateway.Routing.DeploymentRouter(config.Router, new Bridge.Tests.Routing.FakeStatsSource(), TimeProvider.System, Random.Shared);
    }

    [Fact]
    public void EnvironmentVariables_FeedTheConfigsOwnLookups_AboveTheProcessEnvironment()
    {
        var config = ConfigLoader.Parse("""
            environment_variables:
              TEAM_OPENAI_KEY: sk-from-config
              GROQ_API_KEY: gsk-from-config
              AZURE_KEY_ALIAS: os.environ/REAL_AZURE_KEY
            model_list:
              - model_name: a
                litellm_params: { model: openai/gpt-4o, api_key: os.environ/TEAM_OPENAI_KEY }
              - model_name: b
                litellm_params: { model: groq/llama-3.3-70b-versatile }
              - model_name: c
                litellm_params: { model: azure/gpt-4o, api_base: "https://r.openai.azure.com", api_key: os.environ/AZURE_KEY_ALIAS }
            """, Env(("GROQ_API_KEY", "gsk-from-process"), ("REAL_AZURE_KEY", "az-real")));

        Assert.Equal("sk-from-config", config.Deployments[0].ApiKey);
        Assert.Equal("gsk-from-config", config.Deployments[1].ApiKey); // LiteLLM sets them over the environment
        Assert.Equal("az-real", config.Deployments[2].ApiKey);
        Assert.Empty(config.Warnings);
        Assert.Null(Environment.GetEnvironmentVariable("TEAM_OPENAI_KEY")); // the process environment is left alone
    }

    [Fact]
    public void StarAlone_LoadsAsAnUnavailableDeployment_SayingToNameTheProvider()
    {
        var config = ConfigLoader.Parse("""
            model_list:
              - model_name: "*"
                litellm_params: { model: "*" }
            """, Env());

        Assert.Contains("name the provider", config.Deployments[0].UnavailableReason);
    }

    [Fact]
    public void EveryLiteLLMExampleConfig_Loads()
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "Fixtures", "litellm-configs");
        var files = Directory.GetFiles(directory, "*.yaml");
        Assert.True(files.Length >= 10, $"fixtures missing in {directory}");
        foreach (var file in files)
        {
            var config = ConfigLoader.LoadFile(file, Env());
            Assert.True(config.Deployments.Count > 0 || config.Warnings.Count > 0, file);
            _ = new HookRegistry(config, []); // callbacks named there start too
            Assert.DoesNotContain(config.Warnings, w => w.Contains("unknown key", StringComparison.Ordinal) && !w.Contains("model_info", StringComparison.Ordinal));
        }
    }
}
