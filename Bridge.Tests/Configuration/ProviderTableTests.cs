using Bridge.Gateway.Configuration;
using Bridge.Gateway.Upstream;

namespace Bridge.Tests.Configuration;

/// <summary>
/// Every prefix of the OpenAI-compatible family loads with the API root and key variable LiteLLM documents for it,
/// and reaches the URL that root gives.
/// </summary>
public sealed class ProviderTableTests
{
    private static EnvironmentSource Env(params (string Key, string Value)[] values) =>
        new(null, name => values.FirstOrDefault(v => v.Key == name).Value);

    private static ModelDeployment Load(string model, EnvironmentSource env, string extra = "") =>
        ConfigLoader.Parse($"""
            model_list:
              - model_name: m
                litellm_params:
                  model: {model}
            {extra}
            """, env).Deployments[0];

    [Theory]
    [InlineData("openrouter/anthropic/claude-sonnet-4.5", "OPENROUTER_API_KEY", "https://openrouter.ai/api/v1/chat/completions", "anthropic/claude-sonnet-4.5", "openrouter")]
    [InlineData("deepseek/deepseek-chat", "DEEPSEEK_API_KEY", "https://api.deepseek.com/beta/chat/completions", "deepseek-chat", "deepseek")]
    [InlineData("groq/llama-3.3-70b-versatile", "GROQ_API_KEY", "https://api.groq.com/openai/v1/chat/completions", "llama-3.3-70b-versatile", "groq")]
    [InlineData("together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo", "TOGETHER_API_KEY", "https://api.together.xyz/v1/chat/completions", "meta-llama/Llama-3.3-70B-Instruct-Turbo", "together_ai")]
    [InlineData("mistral/mistral-large-latest", "MISTRAL_API_KEY", "https://api.mistral.ai/v1/chat/completions", "mistral-large-latest", "mistral_ai")]
    [InlineData("xai/grok-4", "XAI_API_KEY", "https://api.x.ai/v1/chat/completions", "grok-4", "x_ai")]
    [InlineData("fireworks_ai/llama-v3p1-8b-instruct", "FIREWORKS_API_KEY", "https://api.fireworks.ai/inference/v1/chat/completions", "accounts/fireworks/models/llama-v3p1-8b-instruct", "fireworks_ai")]
    [InlineData("fireworks_ai/accounts/me/models/mine", "FIREWORKS_AI_API_KEY", "https://api.fireworks.ai/inference/v1/chat/completions", "accounts/me/models/mine", "fireworks_ai")]
    [InlineData("perplexity/sonar-pro", "PERPLEXITYAI_API_KEY", "https://api.perplexity.ai/chat/completions", "sonar-pro", "perplexity")]
    [InlineData("gemini/gemini-2.5-pro", "GEMINI_API_KEY", "https://generativelanguage.googleapis.com/v1beta/openai/chat/completions", "gemini-2.5-pro", "gcp.gemini")]
    [InlineData("gemini/gemini-2.5-flash", "GOOGLE_API_KEY", "https://generativelanguage.googleapis.com/v1beta/openai/chat/completions", "gemini-2.5-flash", "gcp.gemini")]
    public void HostedProvider_UsesLiteLLMsDefaultRootAndKeyVariable(string model, string keyVariable, string chatUrl, string upstreamModel, string otelName)
    {
        var d = Load(model, Env((keyVariable, "k-123")));

        Assert.True(d.IsAvailable, d.UnavailableReason);
        Assert.Equal(ProviderKind.OpenAI, d.Provider);
        Assert.Equal("k-123", d.ApiKey);
        Assert.Equal(upstreamModel, d.UpstreamModel);
        Assert.Equal(chatUrl, UpstreamEndpoints.ChatCompletions(d).ToString());
        Assert.Equal(otelName, d.Spec.OtelName);
    }

    [Theory]
    [InlineData("openrouter/openai/gpt-4o", "OPENROUTER_API_KEY")]
    [InlineData("groq/llama-3.3-70b-versatile", "GROQ_API_KEY")]
    [InlineData("gemini/gemini-2.5-pro", "GEMINI_API_KEY or GOOGLE_API_KEY")]
    public void HostedProvider_WithoutItsKey_IsUnavailable_NamingTheVariable(string model, string named)
    {
        var d = Load(model, Env());

        Assert.False(d.IsAvailable);
        Assert.Contains(named, d.UnavailableReason);
    }

    [Theory]
    [InlineData("hosted_vllm/Qwen/Qwen3-8B", "HOSTED_VLLM_API_BASE", "HOSTED_VLLM_API_KEY", "vllm")]
    [InlineData("lm_studio/qwen3-8b", "LM_STUDIO_API_BASE", "LM_STUDIO_API_KEY", "lm_studio")]
    public void SelfHostedServer_TakesItsRootFromItsVariable_AndNeedsNoKey(string model, string baseVariable, string keyVariable, string otelName)
    {
        var keyless = Load(model, Env((baseVariable, "http://10.0.0.5:8000/v1")));
        Assert.True(keyless.IsAvailable, keyless.UnavailableReason);
        Assert.Null(keyless.ApiKey);
        Assert.Equal("http://10.0.0.5:8000/v1/chat/completions", UpstreamEndpoints.ChatCompletions(keyless).ToString());
        Assert.Equal(otelName, keyless.Spec.OtelName);

        var keyed = Load(model, Env((baseVariable, "http://10.0.0.5:8000/v1"), (keyVariable, "local-key")));
        Assert.Equal("local-key", keyed.ApiKey);

        var nowhere = Load(model, Env());
        Assert.False(nowhere.IsAvailable);
        Assert.Contains(baseVariable, nowhere.UnavailableReason);
    }

    [Fact]
    public void OpenAILike_NeedsItsApiBase()
    {
        var d = Load("openai_like/my-model", Env(), "      api_base: https://llm.internal.example/v1\n      api_key: sk-internal");
        Assert.True(d.IsAvailable, d.UnavailableReason);
        Assert.Equal("https://llm.internal.example/v1/chat/completions", UpstreamEndpoints.ChatCompletions(d).ToString());

        Assert.Contains("api_base", Load("openai_like/my-model", Env()).UnavailableReason);
    }

    [Fact]
    public void ApiBaseVariable_OverridesTheDefaultRoot_AndAConfiguredApiBaseOverridesBoth()
    {
        var fromVariable = Load("groq/llama-3.3-70b-versatile", Env(("GROQ_API_KEY", "g"), ("GROQ_API_BASE", "https://groq-proxy.example/openai/v1")));
        Assert.Equal("https://groq-proxy.example/openai/v1/chat/completions", UpstreamEndpoints.ChatCompletions(fromVariable).ToString());

        var configured = Load("groq/llama-3.3-70b-versatile", Env(("GROQ_API_KEY", "g"), ("GROQ_API_BASE", "https://groq-proxy.example/openai/v1")),
            "      api_base: https://mine.example/v1");
        Assert.Equal("https://mine.example/v1/chat/completions", UpstreamEndpoints.ChatCompletions(configured).ToString());
    }

    [Theory]
    [InlineData("cohere/command-r-plus", "cohere", "not supported by Bridge")]
    public void LiteLLMProviderBridgeCannotCall_LoadsAsUnavailable_SayingSo(string model, string prefix, string status)
    {
        var config = ConfigLoader.Parse($"""
            model_list:
              - model_name: m
                litellm_params: {"{"} model: {model}, api_key: k {"}"}
              - model_name: g
                litellm_params: {"{"} model: groq/llama-3.3-70b-versatile, api_key: k {"}"}
            """, Env());

        var d = config.Deployments[0];
        Assert.False(d.IsAvailable);
        Assert.Contains($"provider '{prefix}/' is {status}", d.UnavailableReason);
        Assert.Contains("hosted_vllm", d.UnavailableReason); // and says what does load
        Assert.Equal(prefix, d.Spec.Name);
        Assert.True(config.Deployments[1].IsAvailable); // the rest of the config serves
    }

    [Theory]
    [InlineData("bedrock/amazon.nova-pro-v1:0")]
    [InlineData("vertex_ai/gemini-2.5-pro")]
    public void OnBedrockAndVertex_OnlyClaudeLoads_TheRestIsUnavailableSayingWhy(string model)
    {
        var d = Load(model, Env());
        Assert.False(d.IsAvailable);
        Assert.Contains("is not a Claude model", d.UnavailableReason);
    }

    [Fact]
    public void BedrockBetas_WidenWhatABedrockDeploymentSends_AndAreAWarningElsewhere()
    {
        var config = ConfigLoader.Parse("""
            model_list:
              - model_name: plain
                litellm_params: { model: bedrock/anthropic.claude-sonnet-4-5-v1:0, aws_region_name: us-east-1, aws_access_key_id: a, aws_secret_access_key: b }
              - model_name: wider
                litellm_params: { model: bedrock/anthropic.claude-sonnet-4-5-v1:0, aws_region_name: us-east-1, aws_access_key_id: a, aws_secret_access_key: b,
                                  bedrock_betas: "mcp-servers-2025-12-04, files-api-2025-04-14" }
              - model_name: openai
                litellm_params: { model: openai/gpt-4o, api_key: k, bedrock_betas: [mcp-servers-2025-12-04] }
            """, Env());
        var body = """{"model":"m","anthropic_beta":["mcp-servers-2025-12-04","files-api-2025-04-14","interleaved-thinking-2025-05-14","nope-2025"],"messages":[]}"""u8.ToArray();

        string[] Sent(int deployment)
        {
            var output = new System.Buffers.ArrayBufferWriter<byte>();
            config.Deployments[deployment].Host!.WriteBody(body, [], output);
            return System.Text.Json.Nodes.JsonNode.Parse(output.WrittenSpan)!["anthropic_beta"]!.AsArray().Select(x => (string)x!).ToArray();
        }

        Assert.Equal(["interleaved-thinking-2025-05-14"], Sent(0));
        Assert.Equal(["mcp-servers-2025-12-04", "files-api-2025-04-14", "interleaved-thinking-2025-05-14"], Sent(1));
        Assert.Contains("model_list[2].litellm_params.bedrock_betas: only Bedrock deployments use it, ignored", config.Warnings);
        Assert.DoesNotContain(config.Warnings, w => w.Contains("model_list[1]", StringComparison.Ordinal));
    }

    [Fact]
    public void PrefixLiteLLMDoesNotKnowEither_IsATypo_AndStopsStartup()
    {
        var ex = Assert.Throws<ConfigException>(() => Load("groqq/llama-3.3-70b-versatile", Env()));
        Assert.StartsWith("model_list[0].litellm_params.model: unknown provider 'groqq'", ex.Message);
    }

    [Fact]
    public void DefaultParameterTheProviderRefuses_IsAWarningNamingIt()
    {
        var config = ConfigLoader.Parse("""
            model_list:
              - model_name: m
                litellm_params:
                  model: mistral/mistral-large-latest
                  api_key: k
                  seed: 7
                  temperature: 0.2
            """, Env());

        Assert.Contains("model_list[0].litellm_params.seed: Mistral AI has no such parameter; not sent to this deployment", config.Warnings);
        Assert.DoesNotContain(config.Warnings, w => w.Contains("temperature", StringComparison.Ordinal));
    }

    [Fact]
    public void ResponsesApi_OnlyWhereTheProviderServesIt_AndOpenAIsNameRulesOnlyOnOpenAIAndAzure()
    {
        // gpt-5.4 on OpenAI goes to Responses by name; through OpenRouter it stays on Chat Completions.
        Assert.Equal(UpstreamApi.Responses, Load("openai/gpt-5.4", Env(("OPENAI_API_KEY", "k"))).Api);
        Assert.Equal(UpstreamApi.ChatCompletions, Load("openrouter/openai/gpt-5.4", Env(("OPENROUTER_API_KEY", "k"))).Api);
        // vLLM serves /v1/responses when asked; Groq does not, so the ask is not followed there.
        var vllm = Load("hosted_vllm/openai/gpt-oss-20b", Env(("HOSTED_VLLM_API_BASE", "http://10.0.0.5:8000/v1")), "    model_info: { mode: responses }");
        Assert.Equal(UpstreamApi.Responses, vllm.Api);
        Assert.Equal("http://10.0.0.5:8000/v1/responses", UpstreamEndpoints.Responses(vllm).ToString());
        Assert.Equal(UpstreamApi.ChatCompletions, Load("groq/openai/gpt-oss-20b", Env(("GROQ_API_KEY", "k")), "    model_info: { mode: responses }").Api);
    }

    [Fact]
    public void ChatRefusals_BindChatCompletionsDeployments_NotAResponsesOne()
    {
        var config = ConfigLoader.Parse("""
            model_list:
              - model_name: chat
                litellm_params: { model: xai/grok-4, api_key: k }
              - model_name: responses
                litellm_params: { model: xai/responses/grok-4, api_key: k }
            """, Env());

        var chat = Bridge.Gateway.Pipeline.OpenAITargets.Create(config.Deployments[0], config);
        var responses = Bridge.Gateway.Pipeline.OpenAITargets.Create(config.Deployments[1], config);

        Assert.Contains("store", chat.AdditionalDropParams);
        Assert.Equal(UpstreamApi.Responses, config.Deployments[1].Api);
        Assert.DoesNotContain("store", responses.AdditionalDropParams); // xAI's Responses API takes store
    }

    [Fact]
    public void EveryRow_HasAnOtelName_AndPrefixesAreUnique()
    {
        var prefixes = Providers.All.SelectMany(p => p.Aliases.Prepend(p.Prefix)).ToList();
        Assert.Equal(prefixes.Count, prefixes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(Providers.All, p => Assert.False(string.IsNullOrWhiteSpace(p.OtelName)));
        Assert.Equal("azure.ai.openai", Providers.Azure.OtelName);
        Assert.Equal("anthropic", Providers.Anthropic.OtelName);
    }
}
