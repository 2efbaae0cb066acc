using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Tests.Infrastructure;

namespace Bridge.Tests.Integration;

/// <summary>Wildcard model names through the real gateway: the client's model fills the <c>*</c> of the upstream model.</summary>
public sealed class WildcardRoutingTests
{
    [Fact]
    public async Task ClientsModel_FillsTheStar_AndExactNamesStillWin()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync($"""
            model_list:
              - model_name: gpt-4o
                litellm_params: {"{"} model: openai/gpt-4o-2024-08-06, api_base: "{upstream.BaseUrl}/exact/v1", api_key: sk-exact {"}"}
              - model_name: "*"
                litellm_params: {"{"} model: "openai/*", api_base: "{upstream.BaseUrl}/any/v1", api_key: sk-any {"}"}
              - model_name: "groq/*"
                litellm_params: {"{"} model: "groq/*", api_base: "{upstream.BaseUrl}/openai/v1", api_key: gsk-groq {"}"}
            general_settings:
              master_key: {GatewayHost.MasterKey}
            """);
        using var client = gateway.CreateClient();

        foreach (var (asked, path, model, key) in new[]
        {
            ("gpt-4.1-mini", "/any/v1/chat/completions", "gpt-4.1-mini", "sk-any"),
            ("groq/llama-3.3-70b-versatile", "/openai/v1/chat/completions", "llama-3.3-70b-versatile", "gsk-groq"),
            ("gpt-4o", "/exact/v1/chat/completions", "gpt-4o-2024-08-06", "sk-exact"),
        })
        {
            using var response = await client.PostAsJsonAsync("/v1/chat/completions", new { model = asked, messages = new[] { new { role = "user", content = "hi" } } });
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            Assert.Equal(path, upstream.LastRequest.Path);
            Assert.Equal(model, JsonNode.Parse(upstream.LastRequest.Body)!["model"]!.GetValue<string>());
            Assert.Equal($"Bearer {key}", upstream.LastRequest.Headers["authorization"]);
        }

        var models = await client.GetFromJsonAsync<JsonElement>("/v1/models");
        Assert.Equal(["gpt-4o"], models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        var health = await client.GetFromJsonAsync<JsonElement>("/health/deployments");
        Assert.Equal(["*", "groq/*"], health.EnumerateArray().Where(d => d.TryGetProperty("wildcard", out _)).Select(d => d.GetProperty("wildcard").GetString()));
    }
}
