using System.Text;
using Microsoft.AspNetCore.Http;
using Bridge.Admin.Stores;
using Bridge.Gateway.State;
using Bridge.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Tests.State;

/// <summary>
/// The gateway records each stream's time to first token in <c>bridge:requests:recent</c> (<c>time_to_first_token_ms</c>), which the
/// admin's overview turns into percentiles; a request that does not stream has none.
/// </summary>
public sealed class RequestLogTimeToFirstTokenTests
{
    [Fact]
    public async Task StreamedRequest_IsLoggedWithItsTimeToFirstToken_APlainOneWithout()
    {
        using var garnet = new GarnetInstance();
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = async (ctx, request) =>
        {
            // The first byte leaves the upstream after 300 ms, the last 300 ms later.
            await Task.Delay(300);
            if (System.Text.Json.Nodes.JsonNode.Parse(request.Body)!["stream"]?.GetValue<bool>() != true)
            {
                await OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("hello"));
                return;
            }
            ctx.Response.ContentType = "text/event-stream";
            await ctx.Response.WriteAsync($"data: {OpenAIResponses.Chunk("""{"role":"assistant","content":"hel"}""")}\n\n");
            await ctx.Response.Body.FlushAsync();
            await Task.Delay(300);
            await OpenAIResponses.WriteSseAsync(ctx, [OpenAIResponses.Chunk("""{"content":"lo"}"""), OpenAIResponses.Chunk("{}", "stop"), OpenAIResponses.UsageChunk(12, 2)]);
        };
        await using var gateway = await GatewayHost.StartAsync($$"""
            model_list:
              - model_name: model-a
                litellm_params: { model: openai/gpt-4o, api_base: {{upstream.BaseUrl}}/v1, api_key: k }
            general_settings:
              master_key: {{GatewayHost.MasterKey}}
            """, new Dictionary<string, string?> { ["ConnectionStrings:redis"] = garnet.ConnectionString });
        using var client = gateway.CreateClient();

        foreach (var stream in new[] { "true", "false" })
        {
            using var response = await client.PostAsync("/v1/chat/completions", new StringContent(
                $$"""{"model": "model-a", "stream": {{stream}}, "messages": [{"role": "user", "content": "hi"}]}""", Encoding.UTF8, "application/json"));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            await response.Content.ReadAsStringAsync();
        }

        await using var redis = new RedisConnection(garnet.ConnectionString, NullLogger<RedisConnection>.Instance);
        var reader = new UsageReader(redis);
        IReadOnlyList<RequestLogEntry> recent = [];
        for (var i = 0; i < 100 && recent.Count < 2; i++)
        {
            await Task.Delay(50);
            recent = await reader.RecentAsync(10);
        }

        Assert.Equal([false, true], recent.Select(e => e.Stream)); // newest first
        Assert.Null(recent[0].TimeToFirstTokenMs);
        var streamed = recent[1];
        Assert.NotNull(streamed.TimeToFirstTokenMs);
        Assert.InRange(streamed.TimeToFirstTokenMs!.Value, 290, streamed.LatencyMs - 250);
    }
}
