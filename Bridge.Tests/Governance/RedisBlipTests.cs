using System.Net;
using System.Text;
using Bridge.Gateway.State;
using Bridge.Tests.Infrastructure;
using StackExchange.Redis;

namespace Bridge.Tests.Governance;

/// <summary>Redis goes away and comes back: cached keys keep working, unknown keys are refused, no usage is lost.</summary>
public sealed class RedisBlipTests
{
    [Fact]
    public async Task RedisOutage_CachedKeysWork_UnknownKeysRefused_UsageFlushedWhenItReturns()
    {
        using var garnet = new GarnetInstance();
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("ok", promptTokens: 11, completionTokens: 2));
        await using var gateway = await GatewayHost.StartAsync($"""
            model_list:
              - model_name: gpt-4o
                litellm_params:
                  model: openai/gpt-4o
                  api_base: {upstream.BaseUrl}/v1
                  api_key: k
            general_settings:
              master_key: {GatewayHost.MasterKey}
            """, new Dictionary<string, string?> { ["ConnectionStrings:redis"] = garnet.ConnectionString });
        var day = RedisKeys.Day(DateTimeOffset.UtcNow);
        string key;
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString))
        {
            key = await TestKeys.CreateAsync(redis.GetDatabase());
            Assert.Equal(HttpStatusCode.OK, await Send(gateway, key)); // the key is now cached
            for (var i = 0; i < 100 && !await redis.GetDatabase().KeyExistsAsync(RedisKeys.Usage(day, "model", "gpt-4o")); i++) await Task.Delay(50);
        }

        garnet.Stop();
        Assert.Equal(HttpStatusCode.OK, await Send(gateway, key));
        Assert.Equal(HttpStatusCode.OK, await Send(gateway, key));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await Send(gateway, "sk-never-seen-before"));

        garnet.Start();
        await using var after = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString);
        var requests = 0L;
        for (var i = 0; i < 100 && requests < 2; i++)
        {
            await Task.Delay(100);
            requests = (long)await after.GetDatabase().HashGetAsync(RedisKeys.Usage(day, "model", "gpt-4o"), "requests");
        }
        // The two requests made during the outage were buffered and written once Redis returned
        // (the first one was written before the outage, to the Redis that was lost).
        Assert.Equal(2, requests);
    }

    [Fact]
    public async Task GracefulShutdown_FlushesBufferedUsage()
    {
        using var garnet = new GarnetInstance();
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("ok"));
        var gateway = await GatewayHost.StartAsync($"""
            model_list:
              - model_name: gpt-4o
                litellm_params:
                  model: openai/gpt-4o
                  api_base: {upstream.BaseUrl}/v1
                  api_key: k
            general_settings:
              master_key: {GatewayHost.MasterKey}
            """, new Dictionary<string, string?> { ["ConnectionStrings:redis"] = garnet.ConnectionString });

        garnet.Stop();
        Assert.Equal(HttpStatusCode.OK, await Send(gateway, GatewayHost.MasterKey));
        Assert.Equal(HttpStatusCode.OK, await Send(gateway, GatewayHost.MasterKey));
        garnet.Start();
        await gateway.DisposeAsync(); // stops the host: the usage writer flushes what it holds

        await using var redis = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString);
        Assert.Equal(2, (long)await redis.GetDatabase().HashGetAsync(RedisKeys.Usage(RedisKeys.Day(DateTimeOffset.UtcNow), "model", "gpt-4o"), "requests"));
    }

    [Fact]
    public async Task RedisOutage_DefaultLocalPolicy_StillEnforcesKeyLimitsOnThisReplica()
    {
        using var garnet = new GarnetInstance();
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("ok"));
        await using var gateway = await StartGatewayAsync(garnet, upstream, policy: null);
        using (var health = gateway.CreateClient())
        {
            using var response = await health.GetAsync("/health/deployments");
            Assert.Equal("local", response.Headers.GetValues("x-bridge-limits-when-redis-down").Single());
        }
        await WellInsideAMinuteAsync(); // the per-minute count must not roll over mid-test
        string key;
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString))
        {
            key = await TestKeys.CreateAsync(redis.GetDatabase(), k => k with { RpmLimit = 2 });
            Assert.Equal(HttpStatusCode.OK, await Send(gateway, key)); // the key is now cached
        }

        garnet.Stop();
        Assert.Equal(HttpStatusCode.OK, await Send(gateway, key));
        Assert.Equal(HttpStatusCode.OK, await Send(gateway, key));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Send(gateway, key)); // counted on this replica alone
    }

    [Fact]
    public async Task RedisOutage_DenyPolicy_RefusesKeysWithLimits_AndSaysSo()
    {
        using var garnet = new GarnetInstance();
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("ok"));
        await using var gateway = await StartGatewayAsync(garnet, upstream, policy: "deny");
        using (var health = gateway.CreateClient())
        {
            using var response = await health.GetAsync("/health/deployments");
            Assert.Equal("deny", response.Headers.GetValues("x-bridge-limits-when-redis-down").Single());
        }
        string limited, unlimited;
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString))
        {
            limited = await TestKeys.CreateAsync(redis.GetDatabase(), k => k with { MaxParallelRequests = 5 });
            unlimited = await TestKeys.CreateAsync(redis.GetDatabase());
            Assert.Equal(HttpStatusCode.OK, await Send(gateway, limited));
            Assert.Equal(HttpStatusCode.OK, await Send(gateway, unlimited));
        }

        garnet.Stop();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await Send(gateway, limited));
        Assert.Equal(HttpStatusCode.OK, await Send(gateway, unlimited)); // nothing to enforce
    }

    private static Task<GatewayHost> StartGatewayAsync(GarnetInstance garnet, FakeUpstream upstream, string? policy) =>
        GatewayHost.StartAsync($"""
            model_list:
              - model_name: gpt-4o
                litellm_params:
                  model: openai/gpt-4o
                  api_base: {upstream.BaseUrl}/v1
                  api_key: k
            general_settings:
              master_key: {GatewayHost.MasterKey}
            """, new Dictionary<string, string?>
            {
                ["ConnectionStrings:redis"] = garnet.ConnectionString,
                ["Bridge:LimitsWhenRedisDown"] = policy,
            });

    private static async Task WellInsideAMinuteAsync()
    {
        var second = DateTimeOffset.UtcNow.Second;
        if (second >= 45) await Task.Delay(TimeSpan.FromSeconds(61 - second));
    }

    private static async Task<HttpStatusCode> Send(GatewayHost gateway, string key)
    {
        using var client = gateway.CreateClient(key);
        using var response = await client.PostAsync("/v1/messages", new StringContent(
            """{"model":"gpt-4o","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        return response.StatusCode;
    }
}
