using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Aspire.Hosting.Testing;
using Bridge.Tests.Infrastructure;

namespace Bridge.Tests.EndToEnd;

/// <summary>
/// Boots the whole AppHost (Redis as in-process Garnet, gateway, admin) with Aspire.Hosting.Testing and
/// completes a <c>/v1/messages</c> round trip through the gateway to a fake OpenAI upstream.
/// </summary>
public sealed class AppHostTests
{
    private const string MasterKey = "sk-e2e-master-key-abcdef";

    [Fact]
    public async Task AppHost_StartsEverything_AndGatewayTranslatesToFakeUpstream()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("through aspire", promptTokens: 9, completionTokens: 2));
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var run = await AppHostRun.StartAsync($"""
            model_list:
              - model_name: fake-gpt
                litellm_params:
                  model: openai/gpt-4o
                  api_base: {upstream.BaseUrl}/v1
                  api_key: sk-fake
            litellm_settings:
              drop_params: true
              model_alias_map:
                claude-haiku-4-5-20251001: fake-gpt
            """, MasterKey, [], cts.Token);
        var app = run.App;

        using var client = app.CreateHttpClient("gateway", "http");
        client.DefaultRequestHeaders.Add("x-api-key", MasterKey);
        using var response = await client.PostAsync("/v1/messages?beta=true", new StringContent(
            """{"model":"claude-haiku-4-5-20251001","max_tokens":64,"thinking":{"type":"enabled","budget_tokens":1024},"messages":[{"role":"user","content":"ping"}]}""",
            Encoding.UTF8, "application/json"), cts.Token);
        var body = await response.Content.ReadAsStringAsync(cts.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("through aspire", (string)JsonNode.Parse(body)!["content"]![0]!["text"]!);
        var sent = JsonNode.Parse(upstream.LastRequest.Body)!.AsObject();
        Assert.Equal("gpt-4o", (string)sent["model"]!);
        Assert.False(sent.ContainsKey("thinking"));

        using var admin = app.CreateHttpClient("admin", "http");
        using var health = await admin.GetAsync("/health", cts.Token);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
