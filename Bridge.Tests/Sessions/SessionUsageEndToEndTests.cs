using System.Net;
using System.Net.Http.Json;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Bridge.Gateway.Sessions;
using Bridge.Tests.Admin;
using Bridge.Tests.Infrastructure;
using StackExchange.Redis;

namespace Bridge.Tests.Sessions;

/// <summary>
/// Issue 12, item 5: the prompt-cache hit rate and the money saved per session over the last 24 hours. Two
/// Claude-Code-like conversations (<c>x-claude-code-session-id</c>) through the real gateway, an Anthropic upstream
/// reporting cache reads and writes, Redis (Garnet), and the Admin's JSON API reading what the gateway recorded.
/// </summary>
public sealed class SessionUsageEndToEndTests : IAsyncLifetime
{
    // Raw ids that must never reach Redis: unique enough that a find means a leak.
    private const string SessionA = "3f6d1e0a-raw-session-alpha-5b2c9d7e";
    private const string SessionB = "8c4b2a91-raw-session-bravo-1e7f3a6d";

    private readonly GarnetInstance _garnet = new();
    private FakeUpstream _upstream = null!;
    private GatewayHost _gateway = null!;
    private AdminHost _admin = null!;
    private ConnectionMultiplexer _redis = null!;

    // Claude: input $3/M, output $15/M, cache read $0.30/M, cache write $3.75/M, so a cached token saves $2.70/M.
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
        general_settings:
          master_key: {GatewayHost.MasterKey}
        """;

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync();
        _gateway = await GatewayHost.StartAsync(Config, new Dictionary<string, string?> { ["ConnectionStrings:redis"] = _garnet.ConnectionString });
        _admin = await AdminHost.StartAsync(settings: [new("ConnectionStrings:redis", _garnet.ConnectionString)]);
        _redis = await ConnectionMultiplexer.ConnectAsync(_garnet.ConnectionString + ",allowAdmin=true");
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _admin.DisposeAsync();
        await _upstream.DisposeAsync();
        await _redis.DisposeAsync();
        _garnet.Dispose();
    }

    [Fact]
    public async Task TwoClaudeCodeSessions_ShowUp_WithTheirOwnHitRateAndSavings_AndTheRawIdIsNowhereInRedis()
    {
        var key = await TestKeys.CreateAsync(_redis.GetDatabase(), k => k with { Name = "laptop" });
        var keyId = (await TestKeys.ReadAsync(_redis.GetDatabase(), key)).Id;
        using var client = _gateway.CreateClient(key);

        // Session A: a cold turn writes the prefix, a warm one reads it. Session B: one warm turn, a smaller read.
        await TurnAsync(client, SessionA, input: 100, written: 5000, read: 0);
        await TurnAsync(client, SessionA, input: 100, written: 300, read: 5000);
        await TurnAsync(client, SessionB, input: 100, written: 1000, read: 2000);
        await TurnAsync(client, session: null, input: 100, written: 0, read: 0); // no session: in the totals, not in a session
        await WaitForRequestsAsync(4);

        using var api = new HttpClient { BaseAddress = _admin.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminHost.MasterKey);
        var sessions = (await api.GetFromJsonAsync<JsonObject>("api/usage/sessions"))!["sessions"]!.AsArray();
        Assert.Equal(2, sessions.Count);

        var labelA = SessionKey.Create(keyId, SessionA, SessionSource.ClaudeCodeHeader).Label;
        var labelB = SessionKey.Create(keyId, SessionB, SessionSource.ClaudeCodeHeader).Label;
        var a = sessions.Single(s => (string?)s!["label"] == labelA)!;
        var b = sessions.Single(s => (string?)s!["label"] == labelB)!;
        Assert.Equal(16, labelA.Length);

        Assert.Equal(keyId, (string?)a["key_id"]);
        Assert.Equal("laptop", (string?)a["key_name"]);
        Assert.Equal("claude", (string?)a["model"]);
        Assert.Equal("claude_code_header", (string?)a["source"]);
        Assert.Equal(2, (long)a["usage"]!["requests"]!);
        Assert.Equal(5000, (long)a["usage"]!["cached_tokens"]!);
        Assert.Equal(5300, (long)a["usage"]!["cache_write_tokens"]!);
        // 5000 read of 200 + 5000 + 5300 input tokens; saved 5000 x $2.70/M.
        Assert.Equal(0.4762, (double)a["usage"]!["cache_hit_rate"]!);
        Assert.Equal(0.0135m, (decimal)a["usage"]!["cache_savings_usd"]!);

        Assert.Equal(1, (long)b["usage"]!["requests"]!);
        Assert.Equal(0.6452, (double)b["usage"]!["cache_hit_rate"]!); // 2000 / 3100
        Assert.Equal(0.0054m, (decimal)b["usage"]!["cache_savings_usd"]!);

        // Most recently seen first by default; by cost, A (two turns, big writes) first.
        var byCost = (await api.GetFromJsonAsync<JsonObject>("api/usage/sessions?order=cost"))!["sessions"]!.AsArray();
        Assert.Equal(labelA, (string?)byCost[0]!["label"]);
        using var bad = await api.GetAsync("api/usage/sessions?order=tokens");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        // The recent-requests list names the session too (the newest line is the request without one).
        var recent = (await _redis.GetDatabase().ListRangeAsync(Gateway.State.RedisKeys.RecentRequests)).Select(l => JsonNode.Parse((string)l!)!).ToList();
        Assert.Equal([null, labelB, labelA, labelA], recent.Select(r => (string?)r["session_label"]));

        var dump = await DumpRedisAsync();
        Assert.Contains(labelA, dump, StringComparison.Ordinal); // the dump does read the session hashes
        foreach (var raw in new[] { SessionA, SessionB, "raw-session" })
        {
            Assert.DoesNotContain(raw, dump, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task TheSameSessionId_OnTwoKeys_IsTwoSessions()
    {
        var first = await TestKeys.CreateAsync(_redis.GetDatabase());
        var second = await TestKeys.CreateAsync(_redis.GetDatabase());
        using (var client = _gateway.CreateClient(first)) await TurnAsync(client, SessionA, input: 100, written: 0, read: 1000);
        using (var client = _gateway.CreateClient(second)) await TurnAsync(client, SessionA, input: 100, written: 0, read: 1000);
        await WaitForRequestsAsync(2);

        // Two sessions, one per key (waited for: each request's usage is written after its answer, by the batching writer).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        RedisValue[] labels;
        while ((labels = await _redis.GetDatabase().SortedSetRangeByRankAsync(Gateway.State.RedisKeys.UsageSessions)).Distinct().Count() < 2
               && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.Equal(2, labels.Distinct().Count());
    }

    private async Task TurnAsync(HttpClient client, string? session, long input, long written, long read)
    {
        var usage = $$"""{"input_tokens":{{input}},"cache_creation_input_tokens":{{written}},"cache_read_input_tokens":{{read}},"output_tokens":5}""";
        _upstream.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, AnthropicResponses.TextMessage("ok")
            .Replace("""{"input_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":5}""", usage, StringComparison.Ordinal));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages")
        {
            Content = new StringContent("""{"model":"claude","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        if (session is not null) request.Headers.Add("x-claude-code-session-id", session);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task WaitForRequestsAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await _redis.GetDatabase().ListLengthAsync(Gateway.State.RedisKeys.RecentRequests) < count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("usage was not written");
            await Task.Delay(50);
        }
    }

    /// <summary>Every key name and value in Redis, as text.</summary>
    private async Task<string> DumpRedisAsync()
    {
        var db = _redis.GetDatabase();
        var dump = new StringBuilder();
        foreach (var key in _redis.GetServer(_redis.GetEndPoints()[0]).Keys(pattern: "*"))
        {
            dump.Append(key).Append('\n');
            switch (await db.KeyTypeAsync(key))
            {
                case RedisType.String: dump.Append(await db.StringGetAsync(key)).Append('\n'); break;
                case RedisType.Hash: foreach (var e in await db.HashGetAllAsync(key)) dump.Append(e.Name).Append('=').Append(e.Value).Append('\n'); break;
                case RedisType.Set: foreach (var m in await db.SetMembersAsync(key)) dump.Append(m).Append('\n'); break;
                case RedisType.SortedSet: foreach (var m in await db.SortedSetRangeByRankAsync(key)) dump.Append(m).Append('\n'); break;
                case RedisType.List: foreach (var m in await db.ListRangeAsync(key)) dump.Append(m).Append('\n'); break;
            }
        }
        return dump.ToString();
    }
}
