using Bridge.Admin.Live;
using Bridge.Admin.Stores;
using Bridge.Admin.Redis;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.State;
using Bridge.Gateway.Usage;
using Bridge.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Tests.Admin;

/// <summary>
/// What the overview reads from a real Redis (Garnet), written the way gateways write it: usage records through the
/// usage script, a cooldown as the router stores it. Today's totals and cache hit rate, the busiest keys and models
/// with their names, and the deployments in trouble, worst first.
/// </summary>
public sealed class OverviewReaderTests
{
    private static readonly DateTimeOffset Now = new(2030, 7, 9, 15, 30, 0, TimeSpan.Zero);

    private const string Yaml = """
        model_list:
          - model_name: model-a
            litellm_params: { model: openai/gpt-4o, api_key: k-a }
          - model_name: model-b
            litellm_params: { model: openai/gpt-4o-mini, api_key: k-b }
          - model_name: model-c
            litellm_params: { model: openai/gpt-4o, api_key: os.environ/BRIDGE_OVERVIEW_READER_UNSET }
        general_settings:
          master_key: sk-overview-reader-test
        """;

    [Fact]
    public async Task ReadsTodayTopAndTrouble_FromWhatGatewaysWrote()
    {
        using var garnet = new GarnetInstance();
        await using var redis = new RedisConnection(garnet.ConnectionString, NullLogger<RedisConnection>.Instance, defaultTimeoutMs: RedisServiceCollectionExtensions.ControlPlaneTimeoutMs);
        var config = ConfigLoader.Parse(Yaml, new EnvironmentSource(null, _ => null));
        var clock = new ManualClock(Now);
        var keys = new VirtualKeyStore(redis, clock);
        var laptop = (await keys.CreateAsync(new VirtualKeySettings { Name = "dana-laptop" })).Record;
        var reader = new OverviewReader(redis, new UsageReader(redis), keys, config, clock);

        var empty = await reader.ReadAsync();
        Assert.Equal(0, empty.Today.Counters.Requests);
        Assert.Null(empty.Today.CacheHitRate);
        Assert.Empty(empty.Today.TopKeys);
        Assert.Equal([("model-c#2", TroubleKind.Unavailable)], empty.Trouble.Select(t => (t.DeploymentId, t.Kind)));

        var db = (await redis.DatabaseAsync())!;
        var n = 0;
        async Task RecordAsync(string? keyId, string model, string deployment, int status, long input, long cached, DateTimeOffset? time = null) =>
            Assert.True(await UsageScript.ApplyAsync(db, new UsageRecord
            {
                RequestId = $"req_{++n}", Time = time ?? Now.AddSeconds(-n), KeyId = keyId, Model = model, Deployment = deployment, Status = status,
                InputTokens = input, OutputTokens = 10, CachedTokens = cached, CostMicros = 1000, LatencyMs = 100 + n,
            }, null));
        // The key's name is not in the records (as when a gateway wrote them before a rename): read from the key.
        for (var i = 0; i < 3; i++) await RecordAsync(laptop.Id, "model-a", "model-a#0", 200, input: 60, cached: 40);
        // The config's master key, as the gateway names it.
        await RecordAsync("master", "model-a", "model-a#0", 503, input: 0, cached: 0);
        await RecordAsync("master", "model-b", "model-b#1", 200, input: 100, cached: 0);
        // Yesterday: not today's, and too old to say anything about now.
        await RecordAsync(laptop.Id, "model-b", "model-b#1", 500, input: 1000, cached: 0, time: Now.AddDays(-1));
        await db.StringSetAsync(RedisKeys.Cooldown("model-b#1"), StateJson.Serialize(new CooldownRecord(Now.AddSeconds(30), "rate limited (429)")));

        var read = await reader.ReadAsync();

        Assert.Equal(Now, read.ReadAt);
        Assert.Equal(new UsageCounters(5, 1, 280, 50, 120, 5000), read.Today.Counters);
        Assert.Equal(120.0 / 400, read.Today.CacheHitRate);
        Assert.Equal([("dana-laptop", 3L), ("master key", 2L)], read.Today.TopKeys.Select(t => (t.Label, t.Requests)));
        Assert.Equal([("model-a", 4L, 0.004m), ("model-b", 1L, 0.001m)], read.Today.TopModels.Select(t => (t.Label, t.Requests, t.CostUsd)));
        Assert.Equal(
            [("model-c#2", TroubleKind.Unavailable), ("model-b#1", TroubleKind.CoolingDown), ("model-a#0", TroubleKind.Failing)],
            read.Trouble.Select(t => (t.DeploymentId, t.Kind)));
        Assert.Contains("BRIDGE_OVERVIEW_READER_UNSET", read.Trouble[0].Detail);
        Assert.Equal(("rate limited (429)", Now.AddSeconds(30)), (read.Trouble[1].Detail, read.Trouble[1].Until));
        Assert.Equal("1 of its last 4 requests failed (latest: 503)", read.Trouble[2].Detail);
        Assert.Equal(5, read.Live.Requests);
        Assert.Equal(0.2, read.Live.ErrorRate);

        // Once the cooldown is over it is no trouble, whatever Redis still holds.
        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.DoesNotContain((await reader.ReadAsync()).Trouble, t => t.Kind == TroubleKind.CoolingDown);
    }
}
