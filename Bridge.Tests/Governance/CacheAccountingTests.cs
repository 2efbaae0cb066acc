using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Bridge.Gateway.State;
using Bridge.Tests.Infrastructure;
using StackExchange.Redis;

namespace Bridge.Tests.Governance;

/// <summary>
/// Prompt-cache reads and writes, from each kind of upstream, through the real gateway into the usage records in a
/// real Redis-compatible server (Garnet): their own counts, their own prices (LiteLLM's
/// <c>cache_read_input_token_cost</c> / <c>cache_creation_input_token_cost</c>), the money the reads saved, and the
/// usage the client sees.
/// </summary>
public sealed class CacheAccountingTests : IAsyncLifetime
{
    private readonly GarnetInstance _garnet = new();
    private FakeUpstream _upstream = null!;
    private GatewayHost _gateway = null!;
    private ConnectionMultiplexer _redis = null!;

    // Prices per token: Claude input $3/M, output $15/M, cache read $0.30/M, cache write $3.75/M; GPT input $2/M,
    // output $10/M, cache read $1/M (no write price: OpenAI reports no writes).
    private string Config => $"""
        model_list:
          - model_name: claude
            litellm_params:
              model: anthropic/claude-sonnet-4-5
              api_base: {_upstream.BaseUrl}
              api_key: sk-ant-up
            model_info:
              input_cost_per_token: 0.000003
              output_cost_per_token: 0.000015
              cache_read_input_token_cost: 0.0000003
              cache_creation_input_token_cost: 0.00000375
          - model_name: gpt
            litellm_params:
              model: openai/gpt-4o
              api_base: {_upstream.BaseUrl}/v1
              api_key: sk-up
            model_info:
              input_cost_per_token: 0.000002
              output_cost_per_token: 0.00001
              cache_read_input_token_cost: 0.000001
        general_settings:
          master_key: {GatewayHost.MasterKey}
        """;

    private const string CachedUsage = """{"input_tokens":100,"cache_creation_input_tokens":1000,"cache_read_input_tokens":4000,"output_tokens":50}""";

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync();
        _gateway = await GatewayHost.StartAsync(Config, new Dictionary<string, string?> { ["ConnectionStrings:redis"] = _garnet.ConnectionString });
        _redis = await ConnectionMultiplexer.ConnectAsync(_garnet.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        await _redis.DisposeAsync();
        _garnet.Dispose();
    }

    [Fact]
    public async Task AnthropicAnswer_CacheReadsAndWrites_ReachTheUsageRecord_AtTheirOwnPrices()
    {
        _upstream.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx,
            AnthropicResponses.TextMessage("ok").Replace("""{"input_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":5}""", CachedUsage,
                StringComparison.Ordinal));
        var (keyId, key) = await KeyAsync();

        using var client = _gateway.CreateClient(key);
        var response = await client.PostAsync("/v1/messages", Json("""{"model":"claude","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(CachedUsage, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal); // forwarded unchanged

        // 100 x 3 + 50 x 15 + 4000 x 0.30 + 1000 x 3.75 = 6000 micro-dollars; saved 4000 x (3 - 0.30) = 10800.
        var usage = await UsageAsync(keyId);
        Assert.Equal(100, usage["input_tokens"]);
        Assert.Equal(50, usage["output_tokens"]);
        Assert.Equal(4000, usage["cached_tokens"]);
        Assert.Equal(1000, usage["cache_write_tokens"]);
        Assert.Equal(6000, usage["cost_micros"]);
        Assert.Equal(10800, usage["cache_savings_micros"]);
        foreach (var (dimension, name) in new[] { ("model", "claude"), ("deployment", "claude#0") })
        {
            var hash = await HashAsync(dimension, name);
            Assert.Equal(1000, hash["cache_write_tokens"]);
            Assert.Equal(10800, hash["cache_savings_micros"]);
        }

        var recent = await RecentAsync(keyId);
        Assert.Equal(4000, (long)recent["cached_tokens"]!);
        Assert.Equal(1000, (long)recent["cache_write_tokens"]!);
        Assert.Equal(6000, (long)recent["cost_micros"]!);
        Assert.False((bool)recent["cost_estimated"]!);
    }

    [Fact]
    public async Task ChatClient_ToAnthropicStream_GetsBreakpoints_SeesCachedTokens_AndTheRecordKeepsWritesApart()
    {
        var events = AnthropicResponses.StreamEvents("ok", [], input: 100, output: 50)
            .Select(e => (e.Event, e.Data.Replace("""{"input_tokens":100,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1}""",
                CachedUsage.Replace("\"output_tokens\":50", "\"output_tokens\":1", StringComparison.Ordinal), StringComparison.Ordinal)))
            .ToList();
        _upstream.Handler = (ctx, _) => AnthropicResponses.WriteSseAsync(ctx, events);
        var (keyId, key) = await KeyAsync();

        using var client = _gateway.CreateClient(key);
        var response = await client.PostAsync("/v1/chat/completions", Json("""
            {"model":"claude","stream":true,"stream_options":{"include_usage":true},
             "messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"hi"}]}
            """));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // Bridge's default breakpoints reached the upstream: the system prompt and the last message.
        var sent = JsonNode.Parse(_upstream.LastRequest.Body)!;
        Assert.Equal("ephemeral", (string?)sent["system"]![0]!["cache_control"]!["type"]);
        Assert.Equal("ephemeral", (string?)sent["messages"]![0]!["content"]![0]!["cache_control"]!["type"]);

        // The client's usage: prompt tokens count reads and writes, cached tokens the reads.
        var usageChunk = body.Split("\n").Where(l => l.StartsWith("data: {", StringComparison.Ordinal) && l.Contains("\"usage\"", StringComparison.Ordinal)).Last();
        var clientUsage = JsonNode.Parse(usageChunk["data: ".Length..])!["usage"]!;
        Assert.Equal(5100, (int)clientUsage["prompt_tokens"]!);
        Assert.Equal(4000, (int)clientUsage["prompt_tokens_details"]!["cached_tokens"]!);
        Assert.Equal(1000, (int)clientUsage["cache_creation_input_tokens"]!); // LiteLLM's field for Anthropic's writes

        var usage = await UsageAsync(keyId);
        Assert.Equal(100, usage["input_tokens"]);
        Assert.Equal(4000, usage["cached_tokens"]);
        Assert.Equal(1000, usage["cache_write_tokens"]);
        Assert.Equal(6000, usage["cost_micros"]);
    }

    [Fact]
    public async Task AnthropicClient_FromOpenAIUpstream_SeesCacheReads_AndTheRecordPricesThem()
    {
        _upstream.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("ok", promptTokens: 1000, completionTokens: 20, cachedTokens: 800));
        var (keyId, key) = await KeyAsync();

        using var client = _gateway.CreateClient(key);
        var response = await client.PostAsync("/v1/messages", Json("""{"model":"gpt","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // Anthropic's definition: input_tokens is what was neither read from nor written to the cache.
        var clientUsage = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["usage"]!;
        Assert.Equal(200, (int)clientUsage["input_tokens"]!);
        Assert.Equal(800, (int)clientUsage["cache_read_input_tokens"]!);
        Assert.Equal(0, (int)clientUsage["cache_creation_input_tokens"]!);

        // 200 x 2 + 20 x 10 + 800 x 1 = 1400 micro-dollars; saved 800 x (2 - 1) = 800.
        var usage = await UsageAsync(keyId);
        Assert.Equal(200, usage["input_tokens"]);
        Assert.Equal(800, usage["cached_tokens"]);
        Assert.Equal(0, usage.GetValueOrDefault("cache_write_tokens"));
        Assert.Equal(1400, usage["cost_micros"]);
        Assert.Equal(800, usage["cache_savings_micros"]);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<(string Id, string Key)> KeyAsync()
    {
        var key = await TestKeys.CreateAsync(_redis.GetDatabase());
        return ((await TestKeys.ReadAsync(_redis.GetDatabase(), key)).Id, key);
    }

    private async Task<Dictionary<string, long>> HashAsync(string dimension, string name) =>
        (await _redis.GetDatabase().HashGetAllAsync(RedisKeys.Usage(RedisKeys.Day(DateTimeOffset.UtcNow), dimension, name)))
        .ToDictionary(e => (string)e.Name!, e => (long)e.Value);

    /// <summary>The key's usage hash once its one request is written.</summary>
    private async Task<Dictionary<string, long>> UsageAsync(string keyId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var hash = await HashAsync("key", keyId);
            if (hash.GetValueOrDefault("requests") >= 1) return hash;
            await Task.Delay(50);
        }
        throw new TimeoutException("usage was not written");
    }

    private async Task<JsonNode> RecentAsync(string keyId)
    {
        foreach (var line in await _redis.GetDatabase().ListRangeAsync(RedisKeys.RecentRequests))
        {
            var entry = JsonNode.Parse((string)line!)!;
            if ((string?)entry["key_id"] == keyId) return entry;
        }
        throw new InvalidOperationException("no recent entry for the key");
    }
}
