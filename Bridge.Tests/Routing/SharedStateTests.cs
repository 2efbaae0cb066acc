using System.Net;
using System.Text;
using Bridge.Tests.Infrastructure;

namespace Bridge.Tests.Routing;

/// <summary>Two gateway processes sharing one real Redis-compatible server: limits and cooldowns hold across them.</summary>
public sealed class SharedStateTests : IAsyncLifetime
{
    private readonly GarnetInstance _garnet = new();
    private FakeUpstream _a = null!;
    private FakeUpstream _b = null!;
    private GatewayProcess _first = null!;
    private GatewayProcess _second = null!;

    public async Task InitializeAsync()
    {
        _a = await FakeUpstream.StartAsync();
        _b = await FakeUpstream.StartAsync();
        var config = $"""
            model_list:
              - model_name: limited
                litellm_params:
                  model: openai/gpt-4o
                  api_base: {_a.BaseUrl}/v1
                  api_key: k
                  rpm: 60
              - model_name: pair
                litellm_params:
                  model: openai/gpt-4o
                  api_base: {_a.BaseUrl}/v1
                  api_key: k
                model_info:
                  id: pair-a
              - model_name: pair
                litellm_params:
                  model: openai/gpt-4o-mini
                  api_base: {_b.BaseUrl}/v1
                  api_key: k
                model_info:
                  id: pair-b
            router_settings:
              routing_strategy: round-robin
              cooldown_time: 1
            general_settings:
              master_key: {GatewayHost.MasterKey}
            """;
        var first = GatewayProcess.StartAsync(config, _garnet.ConnectionString);
        var second = GatewayProcess.StartAsync(config, _garnet.ConnectionString);
        (_first, _second) = (await first, await second);
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        _garnet.Dispose();
    }

    private static async Task<HttpStatusCode> Send(HttpClient client, string model)
    {
        using var response = await client.PostAsync("/v1/chat/completions", new StringContent(
            $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}],"max_tokens":5}""", Encoding.UTF8, "application/json"));
        return response.StatusCode;
    }

    [Fact]
    public async Task DeploymentRpm_IsNotExceededByTheSumOfTwoReplicas()
    {
        // Stay inside one minute window: the counter is per UTC minute.
        var second = DateTime.UtcNow.Second;
        if (second > 45) await Task.Delay(TimeSpan.FromSeconds(61 - second));

        using var one = _first.CreateClient(GatewayHost.MasterKey);
        using var two = _second.CreateClient(GatewayHost.MasterKey);
        var results = await Task.WhenAll(Enumerable.Range(0, 80).Select(i => Send(i % 2 == 0 ? one : two, "limited")));

        // The property: the sum over both replicas never exceeds rpm. (On a loaded machine a request can also
        // fail for other reasons, e.g. a timeout, so the exact split is not asserted beyond that.)
        var summary = string.Join(", ", results.GroupBy(s => (int)s).Select(g => $"{g.Key}: {g.Count()}"));
        Assert.True(_a.Requests.Count <= 60, $"upstream got {_a.Requests.Count} requests ({summary})");
        Assert.True(results.Count(s => s == HttpStatusCode.OK) <= 60, summary);
        Assert.True(results.Count(s => s == HttpStatusCode.OK) >= 55, summary);
        Assert.True(results.Count(s => s == (HttpStatusCode)429) >= 20 - (60 - results.Count(s => s == HttpStatusCode.OK)), summary);
    }

    [Fact]
    public async Task VirtualKeyLimits_AreShared_AndRevocationReachesBothReplicasWithinASecond()
    {
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_garnet.ConnectionString);
        var second = DateTime.UtcNow.Second;
        if (second > 50) await Task.Delay(TimeSpan.FromSeconds(61 - second));
        var key = await TestKeys.CreateAsync(redis.GetDatabase(), k => k with { RpmLimit = 10 });
        using var one = _first.CreateClient(key);
        using var two = _second.CreateClient(key);

        var results = new List<HttpStatusCode>();
        for (var i = 0; i < 16; i++) results.Add(await Send(i % 2 == 0 ? one : two, "pair"));
        Assert.Equal(10, results.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(6, results.Count(s => s == (HttpStatusCode)429));

        var fresh = await TestKeys.CreateAsync(redis.GetDatabase());
        using var freshOne = _first.CreateClient(fresh);
        using var freshTwo = _second.CreateClient(fresh);
        Assert.Equal(HttpStatusCode.OK, await Send(freshOne, "pair"));
        Assert.Equal(HttpStatusCode.OK, await Send(freshTwo, "pair")); // cached on both replicas now
        await TestKeys.RevokeAsync(redis, fresh);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, await Send(freshOne, "pair"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Send(freshTwo, "pair"));
    }

    [Fact]
    public async Task CooldownStartedByOneReplica_IsHonouredByTheOtherWithinASecond()
    {
        _a.Handler = (ctx, _) => OpenAIResponses.WriteErrorAsync(ctx, 429, "slow down", "rate_limit_exceeded", retryAfterSeconds: 20);
        using var one = _first.CreateClient(GatewayHost.MasterKey);
        using var two = _second.CreateClient(GatewayHost.MasterKey);

        while (_a.Requests.IsEmpty) Assert.Equal(HttpStatusCode.OK, await Send(one, "pair"));
        await Task.Delay(TimeSpan.FromSeconds(1));

        for (var i = 0; i < 10; i++) Assert.Equal(HttpStatusCode.OK, await Send(two, "pair"));
        Assert.Single(_a.Requests);
    }
}
