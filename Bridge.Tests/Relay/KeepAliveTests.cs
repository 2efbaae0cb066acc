using System.Text;
using Bridge.Gateway.Configuration;
using Bridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Relay;

/// <summary>
/// While the upstream is silent mid-stream, every pair sends the client a keep-alive in the client's protocol (native
/// forwarding once had none): <c>event: ping</c> to Anthropic clients, an SSE comment to OpenAI clients.
/// </summary>
public sealed class KeepAliveTests
{
    [Theory]
    [InlineData(RelayPair.MessagesToChat)]
    [InlineData(RelayPair.MessagesNative)]
    [InlineData(RelayPair.ChatPassthrough)]
    [InlineData(RelayPair.ChatToMessages)]
    public async Task SilentUpstream_MidStream_ClientGetsPings(RelayPair pair)
    {
        var anthropicUpstream = pair is RelayPair.MessagesNative or RelayPair.ChatToMessages;
        var anthropicClient = pair is RelayPair.MessagesToChat or RelayPair.MessagesNative;
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = (ctx, _) => anthropicUpstream ? AnthropicAsync(ctx) : OpenAIAsync(ctx);
        await using var gateway = await GatewayHost.StartAsync($"""
            model_list:
              - model_name: pool
                litellm_params:
                  model: {(anthropicUpstream ? "anthropic/claude-sonnet-4-5-20250929" : "openai/gpt-4o")}
                  api_base: {upstream.BaseUrl}{(anthropicUpstream ? "" : "/v1")}
                  api_key: sk-up
            general_settings:
              master_key: {GatewayHost.MasterKey}
            """);
        gateway.Services.GetRequiredService<GatewayOptions>().StreamPingInterval = TimeSpan.FromMilliseconds(150);

        using var response = await gateway.CreateClient().PostAsync(anthropicClient ? "/v1/messages" : "/v1/chat/completions",
            new StringContent("""{"model":"pool","max_tokens":32,"stream":true,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();

        var afterContent = body[body.IndexOf("Hel", StringComparison.Ordinal)..];
        Assert.Contains(anthropicClient ? "event: ping\ndata: {\"type\":\"ping\"}\n\n" : "\n\n: ping\n\n", afterContent);
        Assert.Contains("lo", afterContent); // and the rest of the answer after the silence
        Assert.Contains(anthropicClient ? "message_stop" : "[DONE]", afterContent);
    }

    private static async Task OpenAIAsync(HttpContext ctx)
    {
        ctx.Response.ContentType = "text/event-stream";
        await SendAsync(ctx, $"data: {OpenAIResponses.Chunk("""{"role":"assistant","content":"Hel"}""")}\n\n");
        await Task.Delay(700);
        await SendAsync(ctx, $"data: {OpenAIResponses.Chunk("""{"content":"lo"}""")}\n\ndata: {OpenAIResponses.Chunk("{}", "stop")}\n\n"
            + $"data: {OpenAIResponses.UsageChunk(10, 2)}\n\ndata: [DONE]\n\n");
    }

    private static async Task AnthropicAsync(HttpContext ctx)
    {
        ctx.Response.ContentType = "text/event-stream";
        var start = AnthropicResponses.StreamEvents(null, [])[0];
        await SendAsync(ctx, $"event: {start.Event}\ndata: {start.Data}\n\n"
            + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
            + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}}\n\n");
        await Task.Delay(700);
        await SendAsync(ctx, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"lo\"}}\n\n"
            + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
            + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":2}}\n\n"
            + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    }

    private static async Task SendAsync(HttpContext ctx, string text)
    {
        await ctx.Response.WriteAsync(text);
        await ctx.Response.Body.FlushAsync();
    }
}
