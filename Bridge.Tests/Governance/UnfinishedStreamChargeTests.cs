using System.Text;
using Bridge.Gateway.State;
using Bridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using StackExchange.Redis;

namespace Bridge.Tests.Governance;

/// <summary>
/// A client that reads a whole Anthropic-upstream stream and leaves before the final usage event is charged for
/// the output it received, not just message_start's placeholder.
/// </summary>
public sealed class UnfinishedStreamChargeTests : IAsyncLifetime
{
    private const int Deltas = 40;
    private readonly GarnetInstance _garnet = new();
    private FakeUpstream _upstream = null!;
    private GatewayHost _gateway = null!;
    private ConnectionMultiplexer _redis = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync();
        _upstream.Handler = WriteAnswerWithoutFinalUsageAsync;
        _gateway = await GatewayHost.StartAsync($"""
            model_list:
              - model_name: claude-test
                litellm_params:
                  model: anthropic/claude-sonnet-4-5-20250929
                  api_base: {_upstream.BaseUrl}
                  api_key: sk-up
            general_settings:
              master_key: {GatewayHost.MasterKey}
            """, new Dictionary<string, string?> { ["ConnectionStrings:redis"] = _garnet.ConnectionString });
        _redis = await ConnectionMultiplexer.ConnectAsync(_garnet.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        await _redis.DisposeAsync();
        _garnet.Dispose();
    }

    /// <summary>The whole answer, then silence where message_delta (with the real output count) would come.</summary>
    private static async Task WriteAnswerWithoutFinalUsageAsync(HttpContext context, RecordedRequest _)
    {
        var events = AnthropicResponses.StreamEvents(null, [], input: 50).Take(2).ToList(); // message_start (output 1), ping
        events.Add(("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""));
        for (var i = 0; i < Deltas; i++)
        {
            events.Add(("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"word "}}"""));
        }
        await AnthropicResponses.WriteSseAsync(context, events);
        try { await Task.Delay(Timeout.Infinite, context.RequestAborted); }
        catch (OperationCanceledException) { }
    }

    [Theory]
    [InlineData("/v1/messages", "content_block_delta")]
    [InlineData("/v1/chat/completions", "\"content\":\"word \"")]
    public async Task ClientLeavingBeforeFinalUsage_IsChargedTheOutputItReceived(string path, string deltaMarker)
    {
        var key = await TestKeys.CreateAsync(_redis.GetDatabase());
        var id = (await TestKeys.ReadAsync(_redis.GetDatabase(), key)).Id;

        using (var client = _gateway.CreateClient(key))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path)
            {
                Content = new StringContent("""{"model":"claude-test","max_tokens":500,"stream":true,"messages":[{"role":"user","content":"hi"}]}""",
                    Encoding.UTF8, "application/json"),
            };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            var received = 0;
            while (received < Deltas && await reader.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("data:", StringComparison.Ordinal) && line.Contains(deltaMarker, StringComparison.Ordinal)) received++;
            }
            Assert.Equal(Deltas, received);
        } // the client has the whole answer and leaves

        var output = await WaitForUsageAsync(id);
        Assert.True(output >= Deltas, $"charged {output} output tokens for {Deltas} deltas received");
    }

    private async Task<long> WaitForUsageAsync(string keyId)
    {
        var hash = RedisKeys.Usage(RedisKeys.Day(DateTimeOffset.UtcNow), "key", keyId);
        for (var i = 0; i < 200; i++)
        {
            var output = await _redis.GetDatabase().HashGetAsync(hash, "output_tokens");
            if (output.HasValue) return (long)output;
            await Task.Delay(50);
        }
        throw new TimeoutException("no usage was written");
    }
}
