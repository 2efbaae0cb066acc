using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Bridge.Gateway.State;
using Bridge.Tests.Infrastructure;
using StackExchange.Redis;

namespace Bridge.Tests.Governance;

/// <summary>Virtual keys enforced by the real gateway against a real Redis-compatible server (Garnet).</summary>
public sealed class VirtualKeyEnforcementTests : IAsyncLifetime
{
    private readonly GarnetInstance _garnet = new();
    private FakeUpstream _upstream = null!;
    private GatewayHost _gateway = null!;
    private ConnectionMultiplexer _redis = null!;

    private string Config => $"""
        model_list:
          - model_name: gpt-4o
            litellm_params:
              model: openai/gpt-4o
              api_base: {_upstream.BaseUrl}/v1
              api_key: sk-up
            model_info:
              input_cost_per_token: 0.000002
              output_cost_per_token: 0.00001
          - model_name: gpt-4o-mini
            litellm_params:
              model: openai/gpt-4o-mini
              api_base: {_upstream.BaseUrl}/v1
              api_key: sk-up
        general_settings:
          master_key: {GatewayHost.MasterKey}
        """;

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync();
        _upstream.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("ok", promptTokens: 100, completionTokens: 20));
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

    private static StringContent Body(string model = "gpt-4o") =>
        new($$"""{"model":"{{model}}","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");

    private async Task<(HttpStatusCode Status, JsonNode? Json, HttpResponseMessage Response)> Send(string key, string model = "gpt-4o", string path = "/v1/messages")
    {
        using var client = _gateway.CreateClient(key);
        var response = await client.PostAsync(path, Body(model));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null, response);
    }

    [Fact]
    public async Task VirtualKey_IsAccepted_AndLimitedToItsModels()
    {
        var key = await TestKeys.CreateAsync(_redis.GetDatabase(), k => k with { Models = ["gpt-4o-*"] });

        Assert.Equal(HttpStatusCode.OK, (await Send(key, "gpt-4o-mini")).Status);
        var (status, json, _) = await Send(key, "gpt-4o");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("permission_error", (string)json!["error"]!["type"]!);
        Assert.Contains("gpt-4o-*", (string)json["error"]!["message"]!);
    }

    [Fact]
    public async Task CountTokens_GoesThroughTheKeysAllowedModelsAndAliases()
    {
        var key = await TestKeys.CreateAsync(_redis.GetDatabase(), k => k with
        {
            Models = ["gpt-4o-mini"],
            Aliases = new Dictionary<string, string> { ["mine"] = "gpt-4o-mini" },
        });

        var (status, json, _) = await Send(key, "gpt-4o", "/v1/messages/count_tokens");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("permission_error", (string)json!["error"]!["type"]!);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(key, "not-a-model-anywhere", "/v1/messages/count_tokens")).Status);
        // The key's own alias resolves to a model it may use, as it would for a message.
        var counted = await Send(key, "mine", "/v1/messages/count_tokens");
        Assert.Equal(HttpStatusCode.OK, counted.Status);
        Assert.True((int)counted.Json!["input_tokens"]! > 0);
    }

    [Fact]
    public async Task BlockedAndExpiredKeys_AreRefusedWith401()
    {
        var blocked = await TestKeys.CreateAsync(_redis.GetDatabase(), k => k with { Blocked = true });
        var expired = await TestKeys.CreateAsync(_redis.GetDatabase(), k => k with { ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) });

        var b = await Send(blocked);
        var e = await Send(expired);

        Assert.Equal(HttpStatusCode.Unauthorized, b.Status);
        Assert.Contains("blocked", (string)b.Json!["error"]!["message"]!);
        Assert.Equal(HttpStatusCode.Unauthorized, e.Status);
        Assert.Contains("expired", (string)e.Json!["error"]!["message"]!);
    }

    [Fact]
    public async Task RevokedKey_StopsWorkingWithinOneSecond()
    {
        var key = await TestKeys.CreateAsync(_redis.GetDatabase());
        Assert.Equal(HttpStatusCode.OK, (await Send(key)).Status); // now cached in the gateway

        await TestKeys.RevokeAsync(_redis, key);
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(key)).Status);
    }

    [Fact]
    public async Task RpmLimit_Refuses429WithRetryAfter_AndReportsRemaining()
    {
        var key = await TestKeys.CreateAsync(_redis.GetDatabase(), k => k with { RpmLimit = 2 });

        var first = await Send(key);
        var second = await Send(key);
        var third = await Send(key, path: "/v1/chat/completions");

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal("1", first.Response.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal((HttpStatusCode)429, third.Status);
        Assert.NotNull(third.Response.Headers.RetryAfter?.Delta);
        Assert.Equal("rate_limit_error", (string)third.Json!["error"]!["type"]!); // OpenAI envelope on the OpenAI path
    }

    /// <summary>A key with max_parallel_requests 1 and a request of it held upstream until <c>release</c> is set.</summary>
    private async Task<(string Key, Task<(HttpStatusCode Status, JsonNode? Json, HttpResponseMessage Response)> First, TaskCompletionSource Release)> HoldTheOnlyParallelSlotAsync()
    {
        var release = new TaskCompletionSource();
        _upstream.Handler = async (ctx, _) =>
        {
            await release.Task;
            await OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("ok"));
        };
        var key = await TestKeys.CreateAsync(_redis.GetDatabase(), k => k with { MaxParallelRequests = 1 });
        var first = Send(key);
        await Task.Delay(300);
        return (key, first, release);
    }

    [Fact]
    public async Task MaxParallelRequests_RefusesTheSecondConcurrentRequest()
    {
        var (key, first, release) = await HoldTheOnlyParallelSlotAsync();
        var second = await Send(key);
        release.SetResult();

        Assert.Equal((HttpStatusCode)429, second.Status);
        Assert.Contains("in flight", (string)second.Json!["error"]!["message"]!);
        Assert.Equal(HttpStatusCode.OK, (await first).Status);
        // The slot is freed just after the response ends: it becomes usable again within moments.
        var again = HttpStatusCode.TooManyRequests;
        for (var i = 0; i < 20 && again != HttpStatusCode.OK; i++)
        {
            await Task.Delay(50);
            again = (await Send(key)).Status;
        }
        Assert.Equal(HttpStatusCode.OK, again);
    }

    [Fact]
    public async Task KeyAtItsParallelLimit_IsRefused_BeforeALargeBodyIsRead()
    {
        var (key, first, release) = await HoldTheOnlyParallelSlotAsync();

        // Declares 32 MiB and sends 1 KiB: the refusal must come without the rest of the body (which never comes).
        using var tcp = new System.Net.Sockets.TcpClient();
        var gateway = new Uri(_gateway.BaseUrl);
        await tcp.ConnectAsync(gateway.Host, gateway.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /v1/messages HTTP/1.1\r\nHost: {gateway.Authority}\r\nx-api-key: {key}\r\nContent-Type: application/json\r\nContent-Length: {32 * 1024 * 1024}\r\n\r\n"));
        await stream.WriteAsync(Encoding.ASCII.GetBytes("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('a', 1024)));
        var buffer = new byte[4096];
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var read = await stream.ReadAsync(buffer, wait.Token);
        var head = Encoding.ASCII.GetString(buffer, 0, read);
        release.SetResult();

        Assert.StartsWith("HTTP/1.1 429", head);
        Assert.Contains("in flight", head);
        Assert.Equal(HttpStatusCode.OK, (await first).Status);
    }

    [Fact]
    public async Task WrongKeyThrottle_BlocksGuessesAndTheMasterKey_ButNotAKnownVirtualKey()
    {
        var key = await TestKeys.CreateAsync(_redis.GetDatabase());
        Assert.Equal(HttpStatusCode.OK, (await Send(key)).Status); // now known to this replica

        // A burst of concurrent guesses: the checks in flight count, so no more than the limit (20) get through to a lookup.
        var guesses = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => Send($"sk-guess-{i:D4}-{Guid.NewGuid():N}")));
        Assert.InRange(guesses.Count(g => g.Status == HttpStatusCode.Unauthorized), 1, 20);
        Assert.Contains(guesses, g => g.Status == HttpStatusCode.TooManyRequests);

        // The address is blocked: the configured master key (what a guesser is after) waits too...
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Send(GatewayHost.MasterKey)).Status);
        // ...but a virtual key this replica already knows is served: the team behind one NAT keeps working.
        Assert.Equal(HttpStatusCode.OK, (await Send(key)).Status);
    }

    [Fact]
    public async Task SpentBudget_IsRefusedWithTheResetTime()
    {
        var key = await TestKeys.CreateAsync(_redis.GetDatabase(), k => k with { MaxBudgetUsd = 0.001m, BudgetDuration = "1d" });
        var id = (await TestKeys.ReadAsync(_redis.GetDatabase(), key)).Id;

        Assert.Equal(HttpStatusCode.OK, (await Send(key)).Status); // costs 100*2e-6 + 20*1e-5 = $0.0004
        await WaitForUsageAsync(id, 1);
        Assert.Equal(HttpStatusCode.OK, (await Send(key)).Status);
        await WaitForUsageAsync(id, 2);
        Assert.Equal(HttpStatusCode.OK, (await Send(key)).Status);
        await WaitForUsageAsync(id, 3);
        var (status, json, response) = await Send(key);

        Assert.Equal((HttpStatusCode)429, status);
        Assert.Contains("Budget", (string)json!["error"]!["message"]!);
        Assert.Contains("resets at", (string)json["error"]!["message"]!);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.FromHours(23));
    }

    [Fact]
    public async Task ParallelRequestsJustUnderTheBudget_DoNotAllRun()
    {
        var release = new TaskCompletionSource();
        _upstream.Handler = async (ctx, _) =>
        {
            await release.Task;
            await OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("ok", promptTokens: 100, completionTokens: 20));
        };
        var key = await TestKeys.CreateAsync(_redis.GetDatabase(), k => k with { MaxBudgetUsd = 0.001m }); // never resets: period 0
        var id = (await TestKeys.ReadAsync(_redis.GetDatabase(), key)).Id;
        await _redis.GetDatabase().StringSetAsync(RedisKeys.Spend(id, 0), 900); // $0.0009 of $0.001 spent

        // Each request may cost up to ~$0.00014 (its input plus max_tokens 10 at gpt-4o's price).
        var requests = Enumerable.Range(0, 3).Select(_ => Send(key)).ToArray();
        await Task.Delay(500);
        release.SetResult();
        var statuses = (await Task.WhenAll(requests)).Select(r => r.Status).ToList();

        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(2, statuses.Count(s => s == (HttpStatusCode)429));
    }

    [Fact]
    public async Task OversizedStoredBudget_NeverTurnsRequestsInto500s()
    {
        // Written by something other than the Admin (which refuses both): too large for micro-dollars in a long,
        // and too large even for a decimal.
        var large = await TestKeys.CreateAsync(_redis.GetDatabase(), k => k with { MaxBudgetUsd = 10_000_000_000_000m });
        var huge = await TestKeys.CreateAsync(_redis.GetDatabase());
        var hash = RedisKeys.VirtualKey(Bridge.Gateway.Auth.SecretComparer.Hash(huge));
        var json = JsonNode.Parse((string)(await _redis.GetDatabase().StringGetAsync(hash))!)!.AsObject();
        json["max_budget_usd"] = JsonNode.Parse("1e30");
        await _redis.GetDatabase().StringSetAsync(hash, json.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, (await Send(large)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(huge)).Status);
    }

    [Fact]
    public async Task Usage_IsRecordedOncePerRequest_WithCostAndRecentEntry()
    {
        var key = await TestKeys.CreateAsync(_redis.GetDatabase(), k => k with { Name = "alice laptop" });
        var record = await TestKeys.ReadAsync(_redis.GetDatabase(), key);

        Assert.Equal(HttpStatusCode.OK, (await Send(key)).Status);
        await WaitForUsageAsync(record.Id, 1);

        var day = RedisKeys.Day(DateTimeOffset.UtcNow);
        var perKey = (await _redis.GetDatabase().HashGetAllAsync(RedisKeys.Usage(day, "key", record.Id))).ToDictionary(e => (string)e.Name!, e => (long)e.Value);
        Assert.Equal(1, perKey["requests"]);
        Assert.Equal(100, perKey["input_tokens"]);
        Assert.Equal(20, perKey["output_tokens"]);
        Assert.Equal(400, perKey["cost_micros"]);
        var recent = JsonNode.Parse((string)(await _redis.GetDatabase().ListGetByIndexAsync(RedisKeys.RecentRequests, 0))!)!;
        Assert.Equal(record.Id, (string)recent["key_id"]!);
        Assert.Equal("alice laptop", (string)recent["key_name"]!);
        Assert.Equal("gpt-4o", (string)recent["model"]!);
        Assert.Equal(200, (int)recent["status"]!);
        // Metadata only: never prompt or completion content.
        string[] allowed = ["time", "request_id", "key_id", "key_name", "model", "deployment", "status", "input_tokens", "output_tokens",
            "cached_tokens", "cache_write_tokens", "cache_savings_micros", "cost_micros", "cost_estimated", "latency_ms", "stream",
            "time_ms", "protocol", "requested_model", "attempts", "attempt_errors", "time_to_first_token_ms", "error", "trace_id"];
        Assert.All(recent.AsObject(), p => Assert.Contains(p.Key, allowed));
        Assert.True(await _redis.GetDatabase().SetContainsAsync(RedisKeys.UsageIndex(day, "deployment"), "gpt-4o#0"));
    }

    /// <summary>Waits until this key's usage counts <paramref name="requests"/> (other tests' requests share the store).</summary>
    private async Task WaitForUsageAsync(string keyId, int requests)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var counted = await _redis.GetDatabase().HashGetAsync(RedisKeys.Usage(RedisKeys.Day(DateTimeOffset.UtcNow), "key", keyId), "requests");
            if (counted.HasValue && (long)counted >= requests) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"usage for {requests} request(s) was not written");
    }
}
