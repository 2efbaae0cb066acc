using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Bridge.Tests.Infrastructure;

namespace Bridge.Tests.Upstream;

/// <summary>
/// Azure AI Foundry (<c>azure_ai/</c>) through the real gateway: an OpenAI-format model on the resource's model
/// inference endpoint (<c>/models/chat/completions?api-version=</c>, <c>api-key</c> header), and Claude on the
/// resource's Anthropic endpoint (<c>/anthropic/v1/messages</c>, <c>x-api-key</c>, <c>anthropic-version</c>), as
/// Microsoft and Anthropic document them.
/// </summary>
public sealed class AzureAiFoundryTests : IAsyncLifetime
{
    private FakeUpstream _upstream = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync();
        _upstream.Handler = (ctx, request) => request.Path switch
        {
            "/models/chat/completions" when request.Query == "?api-version=2024-05-01-preview" && request.Headers.GetValueOrDefault("api-key") == "foundry-key"
                => OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("Hello from Foundry")),
            "/anthropic/v1/messages" when request.Headers.GetValueOrDefault("x-api-key") == "foundry-key" && request.Headers.ContainsKey("anthropic-version")
                => OpenAIResponses.WriteJsonAsync(ctx, AnthropicResponses.TextMessage("Hello from Claude on Foundry")),
            _ => OpenAIResponses.WriteJsonAsync(ctx, """{"error":{"code":"404","message":"Resource not found"}}""", 404),
        };
        _gateway = await GatewayHost.StartAsync($$"""
            model_list:
              - model_name: foundry-mistral
                litellm_params: { model: azure_ai/mistral-large-2411, api_base: {{_upstream.BaseUrl}}/models, api_key: foundry-key }
              - model_name: foundry-claude
                litellm_params: { model: azure_ai/claude-sonnet-4-5, api_base: {{_upstream.BaseUrl}}, api_key: foundry-key }
            general_settings:
              master_key: {{GatewayHost.MasterKey}}
            """);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Theory]
    [InlineData("foundry-mistral", "/v1/chat/completions", "Hello from Foundry")]
    [InlineData("foundry-claude", "/v1/chat/completions", "Hello from Claude on Foundry")]
    [InlineData("foundry-claude", "/v1/messages", "Hello from Claude on Foundry")]
    public async Task FoundryModels_AnswerThroughTheirOwnEndpoints(string model, string path, string expected)
    {
        using var client = _gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent($$"""{"model":"{{model}}","max_tokens":32,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("anthropic-version", "2023-06-01");
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Contains(expected, body);
        if (model == "foundry-claude") Assert.Equal("claude-sonnet-4-5", (string?)JsonNode.Parse(_upstream.LastRequest.Body)!["model"]);
    }
}
