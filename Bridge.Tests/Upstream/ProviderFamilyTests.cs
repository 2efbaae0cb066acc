using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Usage;
using Bridge.Tests.Infrastructure;

namespace Bridge.Tests.Upstream;

/// <summary>
/// The OpenAI-compatible family through the real gateway to a fake upstream on loopback: each provider's root
/// (from its LiteLLM base variable) and path, its key variable as the bearer, its refusals kept out of the body,
/// and the provider's name in /v1/models, /health/deployments, traces, pricing and count_tokens.
/// </summary>
public sealed class ProviderFamilyTests : IAsyncLifetime
{
    /// <summary>Model name, litellm model, base variable (or null for api_base), path prefix, key variable, key, otel name.</summary>
    private static readonly (string Name, string Model, string? BaseVariable, string Root, string? KeyVariable, string Key, string Otel)[] Family =
    [
        ("pf-vllm", "hosted_vllm/Qwen/Qwen3-8B", "HOSTED_VLLM_API_BASE", "/v1", "HOSTED_VLLM_API_KEY", "vllm-key", "vllm"),
        ("pf-openrouter", "openrouter/openai/gpt-4o", "OPENROUTER_API_BASE", "/api/v1", "OPENROUTER_API_KEY", "sk-or-key", "openrouter"),
        ("pf-deepseek", "deepseek/deepseek-chat", "DEEPSEEK_API_BASE", "/beta", "DEEPSEEK_API_KEY", "ds-key", "deepseek"),
        ("pf-groq", "groq/llama-3.3-70b-versatile", "GROQ_API_BASE", "/openai/v1", "GROQ_API_KEY", "gsk-key", "groq"),
        ("pf-together", "together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo", "TOGETHER_AI_API_BASE", "/v1", "TOGETHERAI_API_KEY", "tg-key", "together_ai"),
        ("pf-mistral", "mistral/mistral-large-latest", null, "/v1", "MISTRAL_API_KEY", "mi-key", "mistral_ai"),
        ("pf-xai", "xai/grok-4", "XAI_API_BASE", "/v1", "XAI_API_KEY", "xai-key", "x_ai"),
        ("pf-fireworks", "fireworks_ai/llama-v3p1-8b-instruct", "FIREWORKS_API_BASE", "/inference/v1", "FIREWORKS_API_KEY", "fw-key", "fireworks_ai"),
        ("pf-perplexity", "perplexity/sonar-pro", "PERPLEXITY_API_BASE", "", "PERPLEXITYAI_API_KEY", "pplx-key", "perplexity"),
        ("pf-lmstudio", "lm_studio/qwen3-8b", "LM_STUDIO_API_BASE", "/v1", "LM_STUDIO_API_KEY", "lms-key", "lm_studio"),
        ("pf-like", "openai_like/house-model", null, "/custom/v1", null, "like-key", "openai_like"),
        ("pf-gemini", "gemini/gemini-2.5-flash", "GEMINI_API_BASE", "/v1beta/openai", "GEMINI_API_KEY", "gem-key", "gcp.gemini"),
    ];

    private readonly ConcurrentBag<Activity> _activities = [];
    private ActivityListener _listener = null!;
    private FakeUpstream _upstream = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Bridge.Gateway",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => _activities.Add(a),
        };
        ActivitySource.AddActivityListener(_listener);
        _upstream = await FakeUpstream.StartAsync();

        var settings = new Dictionary<string, string?>();
        var yaml = new System.Text.StringBuilder("model_list:\n");
        foreach (var p in Family)
        {
            yaml.Append($"  - model_name: {p.Name}\n    litellm_params:\n      model: {p.Model}\n");
            if (p.BaseVariable is null) yaml.Append($"      api_base: {_upstream.BaseUrl}{p.Root}\n");
            else settings[p.BaseVariable] = _upstream.BaseUrl + p.Root;
            if (p.KeyVariable is null) yaml.Append($"      api_key: {p.Key}\n");
            else settings[p.KeyVariable] = p.Key;
        }
        yaml.Append($"general_settings:\n  master_key: {GatewayHost.MasterKey}\n");
        _gateway = await GatewayHost.StartAsync(yaml.ToString(), settings);
    }

    public async Task DisposeAsync()
    {
        _listener.Dispose();
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task EachProvider_GetsItsPathAndBearerKey_AndNotWhatItRefuses()
    {
        using var client = _gateway.CreateClient();
        foreach (var p in Family)
        {
            using var response = await client.PostAsJsonAsync("/v1/chat/completions", new Dictionary<string, object>
            {
                ["model"] = p.Name,
                ["messages"] = new[] { new { role = "user", content = "hi" } },
                ["max_completion_tokens"] = 50,
                ["seed"] = 7,
                ["store"] = false,
            });
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{p.Name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");

            var seen = _upstream.LastRequest;
            Assert.Equal($"{p.Root}/chat/completions", seen.Path);
            Assert.Equal($"Bearer {p.Key}", seen.Headers["authorization"]);
            var body = JsonNode.Parse(seen.Body)!.AsObject();
            var spec = Providers.Find(p.Model[..p.Model.IndexOf('/')])!;
            // store is the OpenAI platform's own: a vendor's service refuses it, a self-hosted server ignores it.
            Assert.Equal(spec.RejectedParams.Contains("store"), !body.ContainsKey("store"));
            var expectedModel = spec.QualifyModel(p.Model[(p.Model.IndexOf('/') + 1)..]);
            Assert.Equal(expectedModel, body["model"]!.GetValue<string>());
            Assert.Equal(spec.RejectedParams.Contains("seed"), !body.ContainsKey("seed"));
            // A provider refusing max_completion_tokens gets the same limit as max_tokens.
            var limitName = spec.RejectedParams.Contains("max_completion_tokens") ? "max_tokens" : "max_completion_tokens";
            Assert.Equal(50, body[limitName]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task Mistral_StreamsWithoutStreamOptions_AndGroqWithThem()
    {
        _upstream.Handler = (ctx, _) => OpenAIResponses.WriteSseAsync(ctx,
        [
            OpenAIResponses.Chunk("""{"role":"assistant","content":"Hi"}"""),
            OpenAIResponses.Chunk("{}", "stop"),
            OpenAIResponses.UsageChunk(9, 2),
        ]);
        using var client = _gateway.CreateClient();
        foreach (var (name, expectsOptions) in new[] { ("pf-mistral", false), ("pf-groq", true) })
        {
            using var response = await client.PostAsJsonAsync("/v1/chat/completions", new { model = name, stream = true, messages = new[] { new { role = "user", content = "hi" } } });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("Hi", await response.Content.ReadAsStringAsync());
            Assert.Equal(expectsOptions, JsonNode.Parse(_upstream.LastRequest.Body)!.AsObject().ContainsKey("stream_options"));
        }
    }

    [Fact]
    public async Task AnthropicClient_ReachesAFamilyProvider_WithItsRefusalsDropped()
    {
        using var client = _gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages")
        {
            Content = JsonContent.Create(new
            {
                model = "pf-perplexity", max_tokens = 64, messages = new[] { new { role = "user", content = "hi" } },
                tools = new[] { new { name = "read_file", description = "reads", input_schema = new { type = "object" } } },
            }),
        };
        request.Headers.Add("anthropic-version", "2023-06-01");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(_upstream.LastRequest.Body)!.AsObject();
        Assert.Equal("/chat/completions", _upstream.LastRequest.Path);
        Assert.False(body.ContainsKey("tools"), "Perplexity takes no tools");
        Assert.Equal(64, body["max_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task Models_Health_AndTraces_NameEachProvider()
    {
        using var client = _gateway.CreateClient();
        var models = await client.GetFromJsonAsync<JsonElement>("/v1/models");
        var ids = models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToHashSet();
        Assert.All(Family, p => Assert.Contains(p.Name, ids));

        var health = await client.GetFromJsonAsync<JsonElement>("/health/deployments");
        foreach (var p in Family)
        {
            var entry = health.EnumerateArray().Single(d => d.GetProperty("model_name").GetString() == p.Name);
            Assert.Equal(p.Model[..p.Model.IndexOf('/')], entry.GetProperty("provider").GetString());
            Assert.Equal("healthy", entry.GetProperty("state").GetString());
        }

        foreach (var p in Family)
        {
            using var response = await client.PostAsJsonAsync("/v1/chat/completions", new { model = p.Name, messages = new[] { new { role = "user", content = "hi" } } });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        foreach (var p in Family)
        {
            var span = _activities.FirstOrDefault(a => a.Kind == ActivityKind.Client && (string?)a.GetTagItem("bridge.deployment") == $"{p.Name}#{Array.IndexOf(Family, p)}");
            Assert.True(span is not null, $"no client span for {p.Name}");
            Assert.Equal(p.Otel, span.GetTagItem("gen_ai.provider.name"));
        }
    }

    [Fact]
    public async Task CountTokens_ForAFamilyProvider_IsCountedLocally()
    {
        var before = _upstream.Requests.Count;
        using var client = _gateway.CreateClient();
        using var response = await client.PostAsJsonAsync("/v1/messages/count_tokens",
            new { model = "pf-groq", messages = new[] { new { role = "user", content = "How many tokens is this sentence?" } } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var count = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("input_tokens").GetInt32();
        Assert.InRange(count, 5, 40);
        Assert.Equal(before, _upstream.Requests.Count);
    }

    [Fact]
    public void Pricing_OfARoutersNamespacedModel_IsThatModelsPrice()
    {
        var d = ConfigLoader.Parse("""
            model_list:
              - model_name: m
                litellm_params: { model: openrouter/openai/gpt-4o, api_key: k }
            """, new EnvironmentSource(null, _ => null)).Deployments[0];

        Assert.True(Pricing.HasPrice(d));
        var (micros, estimated) = Pricing.Cost(d, new TokenUsage(1_000_000, 0, 0));
        Assert.Equal(2_500_000, micros);
        Assert.True(estimated);
    }
}
