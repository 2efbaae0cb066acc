using System.Net;
using System.Text;
using System.Text.Json;
using Bridge.Gateway.Sessions;
using Bridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Bridge.Tests.Sessions;

/// <summary>A recorded Claude Code request through the gateway reaches an OpenAI-format deployment with its session's prompt_cache_key.</summary>
public sealed class PromptCacheKeyEndToEndTests : IAsyncLifetime
{
    private FakeUpstream _upstream = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync();
        _gateway = await GatewayHost.StartAsync($"""
            model_list:
              - model_name: gpt-4o
                litellm_params:
                  model: openai/gpt-4o
                  api_base: {_upstream.BaseUrl}/v1
                  api_key: k
            general_settings:
              master_key: {GatewayHost.MasterKey}
            """);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    private async Task<JsonElement> SendAsync(string path, string body, params (string Name, string Value)[] headers)
    {
        using var client = _gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers) request.Headers.Add(name, value);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Fixtures.Parse(_upstream.LastRequest.Body);
    }

    [Fact]
    public async Task ClaudeCode_GetsItsSessionsKey_NeverTheRawId()
    {
        var exchange = Fixtures.Exchanges("cc-text-sonnet").First(e => e.GetProperty("path").GetString() == "/v1/messages");
        var sessionId = exchange.GetProperty("headers").GetProperty("x-claude-code-session-id").GetString()!;
        var body = Fixtures.RequestJson("cc-text-sonnet", exchange.GetProperty("seq").GetInt32());
        body["model"] = "gpt-4o";
        body["stream"] = false;

        var sent = await SendAsync("/v1/messages", body.ToJsonString(), ("x-claude-code-session-id", sessionId));

        var expected = SessionKey.Create("master", sessionId, SessionSource.ClaudeCodeHeader).PromptCacheKey;
        Assert.Equal(expected, sent.GetProperty("prompt_cache_key").GetString());
        Assert.DoesNotContain(sessionId, sent.GetProperty("prompt_cache_key").GetString()!, StringComparison.Ordinal);
        // Without the header, the session inside metadata.user_id names the same session.
        Assert.Equal(expected, (await SendAsync("/v1/messages", body.ToJsonString())).GetProperty("prompt_cache_key").GetString());
    }

    [Fact]
    public async Task ChatClient_OwnKeyIsKept_AndAUserGetsOne()
    {
        var own = await SendAsync("/v1/chat/completions", """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"prompt_cache_key":"mine","user":"u"}""");
        Assert.Equal("mine", own.GetProperty("prompt_cache_key").GetString());
        var user = await SendAsync("/v1/chat/completions", """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"user":"u"}""");
        Assert.Equal(SessionIdentity.Derive(new HeaderDictionary(), TestTapes.Of("""{"user":"u"}"""), "master")!.PromptCacheKey,
            user.GetProperty("prompt_cache_key").GetString());
        var none = await SendAsync("/v1/chat/completions", """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""");
        Assert.False(none.TryGetProperty("prompt_cache_key", out _));
    }
}
