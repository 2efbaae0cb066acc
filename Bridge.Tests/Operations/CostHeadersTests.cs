using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Bridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using StackExchange.Redis;

namespace Bridge.Tests.Operations;

/// <summary>
/// Cost and routing on every response, under LiteLLM's header names (and Bridge's own), through the real gateway to
/// fake upstreams on loopback, with a real Redis-compatible server for a budgeted key's spend.
/// </summary>
public sealed class CostHeadersTests : IAsyncLifetime
{
    private readonly GarnetInstance _garnet = new();
    private FakeUpstream _good = null!;
    private FakeUpstream _bad = null!;
    private GatewayHost _gateway = null!;
    private ConnectionMultiplexer _redis = null!;

    public async Task InitializeAsync()
    {
        _good = await FakeUpstream.StartAsync();
        _bad = await FakeUpstream.StartAsync();
        _good.Handler = Answer;
        _bad.Handler = (ctx, _) => OpenAIResponses.WriteErrorAsync(ctx, 500, "internal error", "server_error");
        // 100 input tokens at $2/M and 20 output tokens at $10/M: $0.0004 a request.
        _gateway = await GatewayHost.StartAsync($$"""
            model_list:
              - model_name: priced
                litellm_params:
                  model: openai/gpt-4o
                  api_base: {{_good.BaseUrl}}/v1?secret=never-shown
                  api_key: sk-up
                model_info:
                  id: good-one
                  input_cost_per_token: 0.000002
                  output_cost_per_token: 0.00001
              - model_name: broken
                litellm_params:
                  model: openai/gpt-4o
                  api_base: {{_bad.BaseUrl}}/v1
                  api_key: sk-up
                model_info:
                  id: bad-one
            router_settings:
              num_retries: 0
              fallbacks: [{"broken": ["priced"]}]
            general_settings:
              master_key: {{GatewayHost.MasterKey}}
            """, new Dictionary<string, string?> { ["ConnectionStrings:redis"] = _garnet.ConnectionString });
        _redis = await ConnectionMultiplexer.ConnectAsync(_garnet.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _good.DisposeAsync();
        await _bad.DisposeAsync();
        await _redis.DisposeAsync();
        _garnet.Dispose();
    }

    private static Task Answer(HttpContext ctx, RecordedRequest request) =>
        OpenAIResponses.WriteTextAnswerAsync(ctx, request, "hi", promptTokens: 100, completionTokens: 20);

    private async Task<HttpResponseMessage> Send(string model, bool stream = false, string key = GatewayHost.MasterKey)
    {
        using var client = _gateway.CreateClient(key);
        var response = await client.PostAsync("/v1/chat/completions", new StringContent(
            $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        await response.Content.ReadAsStringAsync();
        return response;
    }

    private static string One(HttpResponseMessage response, string name) => response.Headers.GetValues(name).Single();

    [Fact]
    public async Task WholeAnswer_CarriesItsCost_TheDeploymentAndTheAttempts()
    {
        var response = await Send("priced");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0.0004m, decimal.Parse(One(response, "x-litellm-response-cost"), CultureInfo.InvariantCulture));
        Assert.Equal("good-one", One(response, "x-litellm-model-id"));
        Assert.Equal("good-one", One(response, "x-bridge-deployment"));
        Assert.Equal("priced", One(response, "x-litellm-model-group"));
        Assert.Equal($"{_good.BaseUrl}/v1", One(response, "x-litellm-model-api-base")); // never the query
        Assert.Equal("0", One(response, "x-litellm-attempted-retries"));
        Assert.Equal("0", One(response, "x-litellm-attempted-fallbacks"));
        Assert.Equal(One(response, "x-request-id"), One(response, "x-litellm-call-id"));
        Assert.True(double.Parse(One(response, "x-litellm-response-duration-ms"), CultureInfo.InvariantCulture) > 0);
        Assert.Equal(One(response, "x-bridge-overhead-duration-ms"), One(response, "x-litellm-overhead-duration-ms"));
    }

    [Fact]
    public async Task Fallback_IsCounted_AndNamesTheDeploymentThatAnswered()
    {
        var response = await Send("broken");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("good-one", One(response, "x-litellm-model-id"));
        Assert.Equal("priced", One(response, "x-litellm-model-group"));
        Assert.Equal("1", One(response, "x-litellm-attempted-fallbacks"));
        Assert.Equal("0", One(response, "x-litellm-attempted-retries"));
        Assert.Equal("2", One(response, "x-bridge-attempts"));
    }

    [Fact]
    public async Task Stream_HasRoutingHeaders_ButNoCost_AsLiteLLM()
    {
        var response = await Send("priced", stream: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("good-one", One(response, "x-litellm-model-id"));
        Assert.Equal("0", One(response, "x-litellm-attempted-retries"));
        Assert.True(response.Headers.Contains("x-litellm-response-duration-ms"));
        Assert.False(response.Headers.Contains("x-litellm-response-cost"));
    }

    [Fact]
    public async Task BudgetedKey_SeesItsSpendIncludingThisRequest()
    {
        var key = await TestKeys.CreateAsync(_redis.GetDatabase(), k => k with { MaxBudgetUsd = 10m, BudgetDuration = "30d" });

        var first = await Send("priced", key: key);
        Assert.Equal(0.0004m, decimal.Parse(One(first, "x-litellm-key-spend"), CultureInfo.InvariantCulture));
        var second = await Send("priced", key: key);
        Assert.Equal(0.0008m, decimal.Parse(One(second, "x-litellm-key-spend"), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task FailedRequest_SaysHowManyAttemptsWereMade()
    {
        _good.Handler = (ctx, _) => OpenAIResponses.WriteErrorAsync(ctx, 500, "internal error", "server_error");

        var response = await Send("broken");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("1", One(response, "x-litellm-attempted-fallbacks"));
        Assert.Equal(One(response, "x-request-id"), One(response, "x-litellm-call-id"));
        Assert.False(response.Headers.Contains("x-litellm-response-cost"));
    }
}
