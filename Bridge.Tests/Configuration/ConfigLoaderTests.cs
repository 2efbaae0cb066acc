using Bridge.Gateway.Configuration;
using Bridge.Gateway.Hooks;

namespace Bridge.Tests.Configuration;

public sealed class ConfigLoaderTests
{
    /// <summary>The seed's config.yaml, verbatim from the issue.</summary>
    private const string SeedConfig = """
        model_list:
          - model_name: gpt-5.2-chat
            litellm_params:
              model: azure/gpt-5.2-chat
              api_base: https://example-resource.cognitiveservices.azure.com/
              api_key: os.environ/AZURE_GPT52_API_KEY
              api_version: "2024-12-01-preview"
              temperature: 1
              timeout: 600
            model_info:
              max_tokens: 16384
          - model_name: gpt-4o
            litellm_params:
              model: openai/gpt-4o
              api_key: os.environ/OPENAI_API_KEY
        litellm_settings:
          drop_params: true
          additional_drop_params: ["thinking", "output_config"]
          model_alias_map:
            claude-haiku-4-5-20251001: gpt-5.2-chat
            claude-sonnet-4-5-20250514: gpt-5.2-chat
          callbacks: ["strip_params_hook.strip_params_hook"]
        general_settings:
          master_key: os.environ/LITELLM_MASTER_KEY
        """;

    private static EnvironmentSource Env(params (string Key, string Value)[] values) =>
        new(null, name => values.FirstOrDefault(v => v.Key == name).Value);

    [Fact]
    public void SeedConfig_LoadsEveryKey_WithSecretsFromEnvironment()
    {
        var config = ConfigLoader.Parse(SeedConfig, Env(("AZURE_GPT52_API_KEY", "az"), ("OPENAI_API_KEY", "oa"), ("LITELLM_MASTER_KEY", "mk")));

        Assert.Empty(config.Warnings);
        var azure = config.Deployments[0];
        Assert.Equal(ProviderKind.Azure, azure.Provider);
        Assert.Equal("gpt-5.2-chat", azure.UpstreamModel);
        Assert.Equal("az", azure.ApiKey);
        Assert.Equal("2024-12-01-preview", azure.ApiVersion);
        Assert.Equal(TimeSpan.FromSeconds(600), azure.Timeout);
        Assert.Equal(16384, azure.MaxOutputTokens);
        Assert.Equal(1, azure.DefaultParams["temperature"].GetDouble());
        Assert.True(azure.IsAvailable);
        Assert.Equal(ProviderKind.OpenAI, config.Deployments[1].Provider);
        Assert.True(config.DropParams);
        Assert.Equal(["thinking", "output_config"], config.AdditionalDropParams);
        Assert.Equal("gpt-5.2-chat", config.Aliases["claude-haiku-4-5-20251001"]);
        Assert.Equal([StripParamsHook.HookName], config.Callbacks);
        Assert.Equal("mk", config.MasterKey);
    }

    [Fact]
    public void MissingSecret_MarksDeploymentUnavailable_NamingTheVariable()
    {
        var config = ConfigLoader.Parse(SeedConfig, Env(("LITELLM_MASTER_KEY", "mk")));

        Assert.False(config.Deployments[0].IsAvailable);
        Assert.Contains("AZURE_GPT52_API_KEY", config.Deployments[0].UnavailableReason);
        Assert.Contains("OPENAI_API_KEY", config.Deployments[1].UnavailableReason);
    }

    [Fact]
    public void UnknownProvider_StopsWithSentenceNamingThePath()
    {
        var yaml = SeedConfig.Replace("model: openai/gpt-4o", "model: azur/gpt-4o");

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, Env()));

        Assert.StartsWith("model_list[1].litellm_params.model: unknown provider 'azur'", ex.Message);
    }

    [Fact]
    public void SessionAffinity_IsOnByDefault_AndRouterSettingsTurnItOff()
    {
        Assert.True(ConfigLoader.Parse(SeedConfig, Env()).Router.SessionAffinity);
        var off = ConfigLoader.Parse(SeedConfig + "\nrouter_settings:\n  session_affinity: false\n", Env());
        Assert.False(off.Router.SessionAffinity);
        Assert.DoesNotContain(off.Warnings, w => w.Contains("session_affinity", StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownKeys_AreWarningsNamingThem()
    {
        var yaml = SeedConfig.Replace("      timeout: 600", "      timeout: 600\n      tiemout: 5").Replace("litellm_settings:", "litellm_settings:\n  colour: blue");

        var config = ConfigLoader.Parse(yaml, Env());

        Assert.Contains("model_list[0].litellm_params.tiemout: unknown key, ignored", config.Warnings);
        Assert.Contains("litellm_settings.colour: unknown key, ignored", config.Warnings);
    }

    [Fact]
    public void DefaultsAnAnthropicDeploymentCannotAlwaysApply_AreWarnings()
    {
        var config = ConfigLoader.Parse("""
            model_list:
              - model_name: claude
                litellm_params: {model: anthropic/claude-sonnet-4-5, api_key: k, seed: 7, temperature: 0.2, reasoning_effort: low}
              - model_name: gpt
                litellm_params: {model: openai/gpt-4o, api_key: k, seed: 7}
            """, Env());

        Assert.Equal([
            "model_list[0].litellm_params.seed: Anthropic has no such parameter; not sent to this deployment",
            "model_list[0].litellm_params.reasoning_effort: applied to requests from OpenAI-format clients only; Anthropic clients' requests keep their own settings",
        ], config.Warnings);
    }

    [Theory]
    [InlineData("model_list:\n  - model_name: x\n", "model_list[0].litellm_params: missing")]
    [InlineData("model_list:\n  - model_name: x\n    litellm_params:\n      model: openai/x\n      rpm: lots\n", "model_list[0].litellm_params.rpm: 'lots' is not a whole number")]
    [InlineData("model_list: [\n  - {", "invalid YAML at line")]
    [InlineData("model_list:\n  - model_name: x\n    litellm_params:\n      model: azure/x\n      api_key: k\n", "model_list[0].litellm_params.api_base: missing")]
    [InlineData("model_list:\n  - model_name: x\n    litellm_params:\n      model: anthropic/x\n      api_key: k\n      reasoning_effort: extreme\n", "model_list[0].litellm_params.reasoning_effort: Invalid value for 'reasoning_effort': 'extreme'")]
    [InlineData("model_list:\n  - model_name: x\n    litellm_params:\n      model: anthropic/x\n      api_key: k\n      temperature: \"warm\"\n", "model_list[0].litellm_params.temperature:")]
    [InlineData("model_list:\n  - model_name: x\n    litellm_params:\n      model: anthropic/x\n      api_key: k\n      reasoning_effort: high\n      top_k: \"40\"\n", "model_list[0].litellm_params.top_k: must be a number")]
    public void InvalidConfig_IsOneSentenceNamingThePath(string yaml, string expected)
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, Env()));

        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain("\n", ex.Message);
    }

    [Fact]
    public void RoutingKnobs_AreRead()
    {
        var yaml = """
            model_list:
              - model_name: g
                litellm_params:
                  model: openai/gpt-4o
                  api_base: http://127.0.0.1:9/v1
                  rpm: 60
                  tpm: 1000
                  weight: 2.5
                  order: 1
                  max_tokens: 512
                  extra_headers: {X-Team: blue}
            """;

        var d = ConfigLoader.Parse(yaml, Env()).Deployments[0];

        Assert.Equal(60, d.Rpm);
        Assert.Equal(1000, d.Tpm);
        Assert.Equal(2.5, d.Weight);
        Assert.Equal(1, d.Order);
        Assert.Equal(512, d.MaxOutputTokens);
        Assert.Equal("blue", d.ExtraHeaders["X-Team"]);
    }

    [Fact]
    public void DotEnv_IsParsed_WithQuotesCommentsAndExport()
    {
        var env = EnvironmentSource.ParseDotEnv("# comment\nexport A=1\nB=\"two words\"\nC='x#y'\nD=plain # trailing\n\n");

        Assert.Equal("1", env["A"]);
        Assert.Equal("two words", env["B"]);
        Assert.Equal("x#y", env["C"]);
        Assert.Equal("plain", env["D"]);
    }

    [Fact]
    public void UnknownHookName_IsAStartupError()
    {
        var config = ConfigLoader.Parse("litellm_settings:\n  callbacks: [\"my_hooks.do_things\"]\n", Env());

        var ex = Assert.Throws<ConfigException>(() => new HookRegistry(config, []));

        Assert.Contains("litellm_settings.callbacks[0]: unknown hook 'my_hooks.do_things'", ex.Message);
    }

    [Fact]
    public void CacheControlInjectionPoints_LoadInLiteLLMsShape()
    {
        // The shapes of LiteLLM's "Auto-Inject Prompt Caching Checkpoints" page, plus its string index and control.
        var config = ConfigLoader.Parse("""
            model_list:
              - model_name: claude
                litellm_params:
                  model: anthropic/claude-sonnet-4-5
                  api_key: k
                  cache_control_injection_points:
                    - location: message
                      role: system
                    - location: message
                      index: -1
                    - location: message
                      index: "-2"
                      control: {type: ephemeral, ttl: 1h}
                    - location: tool_config
                    - location: message
              - model_name: off
                litellm_params:
                  model: anthropic/claude-sonnet-4-5
                  api_key: k
                  cache_control_injection_points: []
              - model_name: unset
                litellm_params:
                  model: anthropic/claude-sonnet-4-5
                  api_key: k
            """, Env());

        var points = config.Deployments[0].CacheControlInjectionPoints!;
        Assert.Equal(3, points.Count);
        Assert.Equal("system", points[0].Role);
        Assert.Null(points[0].Index);
        Assert.Equal("""{"type":"ephemeral"}""", points[0].Control.GetRawText());
        Assert.Equal(-1, points[1].Index);
        Assert.Equal(-2, points[2].Index);
        Assert.Equal("1h", points[2].Control.GetProperty("ttl").GetString());
        Assert.Equal([
            "model_list[0].litellm_params.cache_control_injection_points[3].location: 'tool_config' is not applied (Bridge injects at location: message only)",
            "model_list[0].litellm_params.cache_control_injection_points[4]: names neither a role nor an index; nothing is injected for it",
        ], config.Warnings);
        Assert.Empty(config.Deployments[1].CacheControlInjectionPoints!);
        Assert.Null(config.Deployments[2].CacheControlInjectionPoints);
    }

    [Theory]
    [InlineData("cache_control_injection_points: {location: message}", "cache_control_injection_points: must be a list")]
    [InlineData("cache_control_injection_points: [{location: message, index: last}]", "cache_control_injection_points[0].index: must be a whole number")]
    [InlineData("cache_control_injection_points: [{location: message, index: -1, control: ephemeral}]", "cache_control_injection_points[0].control: must be a mapping")]
    public void CacheControlInjectionPoints_BadShapes_StopStartupNamingThePath(string setting, string expected)
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse($"""
            model_list:
              - model_name: claude
                litellm_params:
                  model: anthropic/claude-sonnet-4-5
                  api_key: k
                  {setting}
            """, Env()));

        Assert.Contains("model_list[0].litellm_params." + expected, ex.Message);
    }

    [Fact]
    public void CachePrices_LoadFromModelInfo_OrLitellmParams()
    {
        var config = ConfigLoader.Parse("""
            model_list:
              - model_name: a
                litellm_params:
                  model: anthropic/claude-sonnet-4-5
                  api_key: k
                model_info:
                  input_cost_per_token: 0.000003
                  output_cost_per_token: 0.000015
                  cache_read_input_token_cost: 0.0000003
                  cache_creation_input_token_cost: 0.00000375
              - model_name: b
                litellm_params:
                  model: anthropic/claude-sonnet-4-5
                  api_key: k
                  cache_read_input_token_cost: 1e-7
                  cache_creation_input_token_cost: 2e-6
            """, Env());

        Assert.Empty(config.Warnings);
        Assert.Equal(0.0000003m, config.Deployments[0].Info.CacheReadInputTokenCost);
        Assert.Equal(0.00000375m, config.Deployments[0].Info.CacheCreationInputTokenCost);
        Assert.Equal(0.0000001m, config.Deployments[1].Info.CacheReadInputTokenCost);
        Assert.Equal(0.000002m, config.Deployments[1].Info.CacheCreationInputTokenCost);
    }
}
