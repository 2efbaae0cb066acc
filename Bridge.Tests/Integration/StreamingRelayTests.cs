using System.Net;
using System.Text;
using Bridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Bridge.Tests.Integration;

/// <summary>
/// Streams are relayed as they arrive: the upstream sends its first token and then holds the rest back until the
/// client has seen that token. A gateway that buffered (the whole response, or until more chunks came) would
/// never show it, and the test would time out. Covers every streaming path.
/// </summary>
public sealed class StreamingRelayTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private FakeUpstream _upstream = null!;
    private GatewayHost _gateway = null!;
    private TaskCompletionSource _clientSawFirstToken = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync();
        _upstream.Handler = (ctx, request) => request.Path.EndsWith("/messages", StringComparison.Ordinal) ? AnthropicAsync(ctx) : OpenAIAsync(ctx);
        _gateway = await GatewayHost.StartAsync($"""
            model_list:
              - model_name: gpt-4o
                litellm_params:
                  model: openai/gpt-4o
                  api_base: {_upstream.BaseUrl}/v1
                  api_key: sk-upstream
              - model_name: claude-native
                litellm_params:
                  model: anthropic/claude-sonnet-4-5-20250929
                  api_base: {_upstream.BaseUrl}
                  api_key: sk-upstream
            general_settings:
              master_key: {GatewayHost.MasterKey}
            """);
    }

    public async Task DisposeAsync()
    {
        _clientSawFirstToken.TrySetResult();
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    private async Task OpenAIAsync(HttpContext ctx)
    {
        ctx.Response.ContentType = "text/event-stream";
        await SendAsync(ctx, $"data: {OpenAIResponses.Chunk("""{"role":"assistant","content":"Hel"}""")}\n\n");
        await HoldUntilClientSawFirstToken();
        await SendAsync(ctx, $"data: {OpenAIResponses.Chunk("""{"content":"lo"}""")}\n\n"
            + $"data: {OpenAIResponses.Chunk("{}", "stop")}\n\n"
            + $"data: {OpenAIResponses.UsageChunk(10, 2)}\n\ndata: [DONE]\n\n");
    }

    private async Task AnthropicAsync(HttpContext ctx)
    {
        ctx.Response.ContentType = "text/event-stream; charset=utf-8";
        var events = AnthropicResponses.StreamEvents("Hello", []);
        static string Sse((string Event, string Data) e) => $"event: {e.Event}\ndata: {e.Data}\n\n";
        // message_start, ping, content_block_start, then the first text delta ("He").
        await SendAsync(ctx, string.Concat(events.Take(4).Select(Sse)));
        await HoldUntilClientSawFirstToken();
        await SendAsync(ctx, string.Concat(events.Skip(4).Select(Sse)));
    }

    private static async Task SendAsync(HttpContext ctx, string text)
    {
        await ctx.Response.WriteAsync(text);
        await ctx.Response.Body.FlushAsync();
    }

    private async Task HoldUntilClientSawFirstToken()
    {
        // Bounded, so a buffering gateway fails the test instead of hanging it; longer than the client's patience.
        await Task.WhenAny(_clientSawFirstToken.Task, Task.Delay(Patience * 2));
    }

    [Theory]
    [InlineData("/v1/messages", "gpt-4o", "\"text\":\"Hel\"")]                 // Anthropic client, OpenAI upstream (translated)
    [InlineData("/v1/chat/completions", "gpt-4o", "\"content\":\"Hel\"")]      // OpenAI client, OpenAI upstream (pass-through)
    [InlineData("/v1/chat/completions", "claude-native", "\"content\":\"He\"")] // OpenAI client, Anthropic upstream (translated)
    [InlineData("/v1/messages", "claude-native", "\"text\":\"He\"")]           // Anthropic client, Anthropic upstream (native)
    public async Task FirstToken_ReachesTheClient_BeforeTheUpstreamSendsTheRest(string path, string model, string firstToken)
    {
        using var client = _gateway.CreateClient();
        var waiting = Task.Delay(Patience);
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent($$"""{"model":"{{model}}","max_tokens":32,"stream":true,"messages":[{"role":"user","content":"hi"}]}""",
                Encoding.UTF8, "application/json"),
        };
        var sending = client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.True(await Task.WhenAny(sending, waiting) == sending, "no response while the upstream held back the rest");
        using var response = await sending;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();

        var seen = new StringBuilder();
        var buffer = new byte[4096];
        while (!seen.ToString().Contains(firstToken, StringComparison.Ordinal))
        {
            var read = body.ReadAsync(buffer).AsTask();
            var first = await Task.WhenAny(read, waiting);
            Assert.True(first == read, $"the first token did not arrive while the upstream held back the rest; got: {seen}");
            var n = await read;
            Assert.True(n > 0, $"the stream ended before the first token; got: {seen}");
            seen.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        Assert.False(_clientSawFirstToken.Task.IsCompleted);
        _clientSawFirstToken.TrySetResult();

        int more;
        while ((more = await body.ReadAsync(buffer)) > 0) seen.Append(Encoding.UTF8.GetString(buffer, 0, more));
        var all = seen.ToString();
        Assert.Contains(path == "/v1/messages" ? "message_stop" : "[DONE]", all);
    }
}
