using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Bridge.Tests.Infrastructure;

namespace Bridge.Tests.Integration;

/// <summary>
/// A LiteLLM-style <c>litellm_params</c> default (temperature, top_p, top_k) on an <c>anthropic/</c> deployment
/// reaches Anthropic on natively forwarded requests where the client chose none, and never where Anthropic
/// would refuse it.
/// </summary>
public sealed class NativeDefaultsTests : IAsyncLifetime
{
    private FakeUpstream _anthropic = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _anthropic = await FakeUpstream.StartAsync();
        _anthropic.Handler = (ctx, request) => request.Path.EndsWith("/count_tokens", StringComparison.Ordinal)
            ? OpenAIResponses.WriteJsonAsync(ctx, """{"input_tokens": 12}""")
            : OpenAIResponses.WriteJsonAsync(ctx, AnthropicResponses.TextMessage("ok"));
        _gateway = await GatewayHost.StartAsync($$"""
            model_list:
              - model_name: claude
                litellm_params: {model: anthropic/claude-sonnet-4-5-20250929, api_base: "{{_anthropic.BaseUrl}}", api_key: k, temperature: 0.2, top_p: 0.9, top_k: 40}
            general_settings: {master_key: {{GatewayHost.MasterKey}}}
            """);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _anthropic.DisposeAsync();
    }

    private async Task<JsonObject> SendAsync(string extra, string path = "/v1/messages")
    {
        using var client = _gateway.CreateClient();
        using var response = await client.PostAsync(path, new StringContent(
            $$"""{"model": "claude", "max_tokens": 50, "messages": [{"role": "user", "content": "hi"}]{{extra}}}""" + "\n", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(_anthropic.LastRequest.Body)!.AsObject();
    }

    [Fact]
    public async Task ClientChoseNothing_TemperatureAndTopKAdded_TopPNot()
    {
        var sent = await SendAsync("");

        Assert.Equal(0.2, (double)sent["temperature"]!);
        Assert.Equal(40, (int)sent["top_k"]!);
        Assert.False(sent.ContainsKey("top_p")); // one of temperature and top_p: recent Claude models refuse both
        Assert.Equal("claude-sonnet-4-5-20250929", (string)sent["model"]!);
        Assert.Equal("hi", (string)sent["messages"]![0]!["content"]!);
    }

    [Fact]
    public async Task ClientsOwnChoice_Wins()
    {
        var sent = await SendAsync(""","top_p": 0.5, "top_k": 5""");

        Assert.Equal(0.5, (double)sent["top_p"]!);
        Assert.Equal(5, (int)sent["top_k"]!);
        Assert.False(sent.ContainsKey("temperature"));
    }

    [Theory]
    [InlineData("enabled", ""","budget_tokens": 1024""")]
    [InlineData("adaptive", "")]
    public async Task WithThinking_NothingAdded(string type, string budget)
    {
        var sent = await SendAsync($$""","thinking": {"type": "{{type}}"{{budget}}}""");

        Assert.False(sent.ContainsKey("temperature"));
        Assert.False(sent.ContainsKey("top_k"));
    }

    [Fact]
    public async Task CountTokens_NothingAdded()
    {
        var sent = await SendAsync("", "/v1/messages/count_tokens");

        Assert.False(sent.ContainsKey("temperature"));
        Assert.False(sent.ContainsKey("top_k"));
    }
}
