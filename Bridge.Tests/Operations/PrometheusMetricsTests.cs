using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Bridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using StackExchange.Redis;

namespace Bridge.Tests.Operations;

/// <summary>
/// <c>GET /metrics</c> scraped from real gateways after real traffic (fake upstreams on loopback), parsed with a strict
/// Prometheus text-format parser: Bridge's own metrics and LiteLLM's names, behind the master key by default and open
/// with <c>require_auth_for_metrics_endpoint: false</c>. Model and deployment names are unique to this class: the
/// process-wide meter listener also sees other tests' gateways.
/// </summary>
/// <remarks>
/// OpenTelemetry's meter providers subscribe to meters by name across the whole process, so gateways that other test
/// classes start and stop at the same time share these instruments' metric streams: a host disposed elsewhere can retire
/// a stream this class's hosts still write to (counts read 0, seen once in CI), and two hosts publishing at once can both register
/// <c>bridge.usage.queued</c> (a duplicate series). Production runs one gateway per process; here the class runs alone.
/// </remarks>
[Collection(nameof(PrometheusMetricsTests))]
public sealed class PrometheusMetricsTests : IAsyncLifetime
{
    private readonly GarnetInstance _garnet = new();
    private FakeUpstream _good = null!;
    private FakeUpstream _bad = null!;
    private GatewayHost _secured = null!;
    private GatewayHost _open = null!;
    private ConnectionMultiplexer _redis = null!;

    private string Config(string suffix, string extraSettings) => $$"""
        model_list:
          - model_name: prom-priced-{{suffix}}
            litellm_params:
              model: openai/gpt-4o
              api_base: {{_good.BaseUrl}}/v1
              api_key: sk-up
            model_info:
              id: prom-good-{{suffix}}
              input_cost_per_token: 0.000002
              output_cost_per_token: 0.00001
          - model_name: prom-broken-{{suffix}}
            litellm_params:
              model: openai/gpt-4o-mini
              api_base: {{_bad.BaseUrl}}/v1
              api_key: sk-up
            model_info:
              id: prom-bad-{{suffix}}
        router_settings:
          num_retries: 0
        litellm_settings:
          callbacks: ["prometheus"]
        {{extraSettings}}
        general_settings:
          master_key: {{GatewayHost.MasterKey}}
        """;

    public async Task InitializeAsync()
    {
        _good = await FakeUpstream.StartAsync();
        _bad = await FakeUpstream.StartAsync();
        _good.Handler = Answer;
        _bad.Handler = (ctx, _) => OpenAIResponses.WriteErrorAsync(ctx, 500, "internal error", "server_error");
        var redis = new Dictionary<string, string?> { ["ConnectionStrings:redis"] = _garnet.ConnectionString };
        _secured = await GatewayHost.StartAsync(Config("s", ""), redis);
        _open = await GatewayHost.StartAsync(Config("o", "  require_auth_for_metrics_endpoint: false"));
        _redis = await ConnectionMultiplexer.ConnectAsync(_garnet.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _secured.DisposeAsync();
        await _open.DisposeAsync();
        await _good.DisposeAsync();
        await _bad.DisposeAsync();
        await _redis.DisposeAsync();
        _garnet.Dispose();
    }

    private static Task Answer(HttpContext ctx, RecordedRequest request) =>
        OpenAIResponses.WriteTextAnswerAsync(ctx, request, "hi", promptTokens: 100, completionTokens: 20);

    private static async Task<HttpStatusCode> Send(GatewayHost gateway, string model, bool stream = false)
    {
        using var client = gateway.CreateClient();
        using var response = await client.PostAsync("/v1/chat/completions", new StringContent(
            $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        await response.Content.ReadAsStringAsync();
        return response.StatusCode;
    }

    private static async Task<(HttpStatusCode Status, string Body, string? ContentType)> Scrape(GatewayHost gateway, string? key, string path = "/metrics")
    {
        using var client = gateway.CreateClient(key);
        client.DefaultRequestHeaders.Accept.ParseAdd("text/plain; version=0.0.4");
        using var response = await client.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task Traffic(GatewayHost gateway, string suffix)
    {
        Assert.Equal(HttpStatusCode.OK, await Send(gateway, $"prom-priced-{suffix}"));
        Assert.Equal(HttpStatusCode.OK, await Send(gateway, $"prom-priced-{suffix}", stream: true));
        Assert.Equal(HttpStatusCode.InternalServerError, await Send(gateway, $"prom-broken-{suffix}"));
        // A request's metrics are recorded as it ends, just after its client has the answer: wait for the last one.
        for (var tries = 0; tries < 100; tries++)
        {
            var scrape = PrometheusText.Parse((await Scrape(gateway, GatewayHost.MasterKey)).Body);
            if (Sum(scrape, "litellm_proxy_total_requests_metric_total", "requested_model", $"prom-priced-{suffix}") >= 2
                && Sum(scrape, "litellm_proxy_total_requests_metric_total", "requested_model", $"prom-broken-{suffix}") >= 1) return;
            await Task.Delay(20);
        }
    }

    private static double Sum(PrometheusText scrape, string name, string label, string value) =>
        scrape.Named(name).Where(s => s[label] == value).Sum(s => s.Value);

    [Fact]
    public async Task Scrape_AfterTraffic_IsValidPrometheusText_WithBridgeAndLiteLLMMetrics()
    {
        await Traffic(_secured, "s");

        var (status, body, contentType) = await Scrape(_secured, GatewayHost.MasterKey);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text/plain", contentType);
        var scrape = PrometheusText.Parse(body);

        // LiteLLM's names and labels, as its Grafana dashboards query them.
        Assert.Equal("counter", scrape.TypesByFamily["litellm_proxy_total_requests_metric_total"]); // as prometheus_client names a counter
        Assert.Equal(2, scrape.Named("litellm_proxy_total_requests_metric_total")
            .Where(s => s["requested_model"] == "prom-priced-s" && s["status_code"] == "200" && s["hashed_api_key"] == "master").Sum(s => s.Value));
        Assert.Equal(1, Sum(scrape, "litellm_proxy_failed_requests_metric_total", "requested_model", "prom-broken-s"));
        Assert.Equal(0.0008, Sum(scrape, "litellm_spend_metric_total", "model", "openai/gpt-4o"), 9);
        Assert.Equal(200, Sum(scrape, "litellm_input_tokens_total", "requested_model", "prom-priced-s"));
        Assert.Equal(40, Sum(scrape, "litellm_output_tokens_total", "requested_model", "prom-priced-s"));
        Assert.Equal(240, Sum(scrape, "litellm_total_tokens_total", "requested_model", "prom-priced-s"));
        Assert.Equal("histogram", scrape.TypesByFamily["litellm_request_total_latency_metric"]);
        Assert.Equal(2, Sum(scrape, "litellm_request_total_latency_metric_count", "requested_model", "prom-priced-s"));
        Assert.Equal(1, scrape.Named("litellm_llm_api_time_to_first_token_metric_count").Where(s => s["model"] == "openai/gpt-4o" && s["hashed_api_key"] == "master").Sum(s => s.Value));
        Assert.Equal(2, Sum(scrape, "litellm_deployment_success_responses_total", "model_id", "prom-good-s"));
        var failure = Assert.Single(scrape.Named("litellm_deployment_failure_responses_total"), s => s["model_id"] == "prom-bad-s");
        Assert.Equal("500", failure["exception_status"]);
        Assert.Equal(0, Assert.Single(scrape.Named("litellm_deployment_state"), s => s["model_id"] == "prom-good-s").Value);
        Assert.True(Assert.Single(scrape.Named("litellm_deployment_state"), s => s["model_id"] == "prom-bad-s").Value >= 1);

        // Bridge's own metrics, through the OpenTelemetry exporter.
        Assert.Contains(scrape.Named("gen_ai_client_operation_duration_seconds_count"), s => s["gen_ai_request_model"] == "prom-priced-s");
        Assert.Contains(scrape.Named("gen_ai_client_token_usage_count"), s => s["gen_ai_request_model"] == "prom-priced-s");
        Assert.Contains(scrape.Named("bridge_requests_total"), s => s["bridge_deployment"] == "prom-bad-s" && s["http_response_status_code"] == "500");
    }

    [Fact]
    public async Task Secured_RefusesNoKeyAndVirtualKeys_InTheClientsEnvelope()
    {
        var (noKey, _, _) = await Scrape(_secured, null);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey);

        var virtualKey = await TestKeys.CreateAsync(_redis.GetDatabase());
        var (asVirtual, body, _) = await Scrape(_secured, virtualKey);
        Assert.Equal(HttpStatusCode.Forbidden, asVirtual);
        Assert.Contains("master key", (string)JsonNode.Parse(body)!["error"]!["message"]!);
    }

    [Fact]
    public async Task Open_AnswersWithoutAKey_AlsoWithATrailingSlash()
    {
        await Traffic(_open, "o");

        foreach (var path in new[] { "/metrics", "/metrics/" })
        {
            var (status, body, _) = await Scrape(_open, null, path);
            Assert.Equal(HttpStatusCode.OK, status);
            var scrape = PrometheusText.Parse(body);
            Assert.Equal(2, Sum(scrape, "litellm_proxy_total_requests_metric_total", "requested_model", "prom-priced-o"));
        }
    }

    [Fact]
    public void Parser_IsStrict()
    {
        Assert.Throws<FormatException>(() => PrometheusText.Parse("a 1")); // no final newline
        Assert.Throws<FormatException>(() => PrometheusText.Parse("a{b=\"c} 1\n"));
        Assert.Throws<FormatException>(() => PrometheusText.Parse("a{b=\"\\x\"} 1\n"));
        Assert.Throws<FormatException>(() => PrometheusText.Parse("a 1\na 2\n"));
        Assert.Throws<FormatException>(() => PrometheusText.Parse("a 1,5\n"));
        Assert.Throws<FormatException>(() => PrometheusText.Parse("a 1\nb 1\na{x=\"y\"} 1\n"));
        Assert.Throws<FormatException>(() => PrometheusText.Parse("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 1\n"));
        Assert.Throws<FormatException>(() => PrometheusText.Parse("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_count 3\nh_sum 1\n"));
        var ok = PrometheusText.Parse("# HELP a x\n# TYPE a counter\na_total{k=\"v\\\"\\n\"} 1.5e3 1700000000000\n");
        Assert.Equal("v\"\n", ok.Samples[0]["k"]);
    }
}

/// <summary>Runs <see cref="PrometheusMetricsTests"/> after every parallel class, with no other gateway in the process.</summary>
[CollectionDefinition(nameof(PrometheusMetricsTests), DisableParallelization = true)]
public sealed class PrometheusMetricsCollection;
