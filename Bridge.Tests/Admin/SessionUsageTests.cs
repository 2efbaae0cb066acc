using Bridge.Admin.Components.Pages;
using Bridge.Admin.Stores;
using Bridge.Admin.Redis;
using Bridge.Gateway.State;
using Bridge.Gateway.Usage;
using Bridge.Tests.Infrastructure;
using Bunit;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Bridge.Tests.Admin;

/// <summary>
/// Per-session usage of the last 24 hours (<c>bridge:usage:session:{label}</c>, <c>bridge:usage:sessions</c> and
/// its by-cost twin): written by the gateway's usage script in the same step as every other counter, read by the
/// Admin's reader and shown on its Usage page.
/// </summary>
public sealed class SessionUsageTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static UsageRecord Record(string id, string? session, DateTimeOffset time, long input = 100, long cached = 0, long written = 0,
        long cost = 1000, long saved = 0, string model = "claude") => new()
    {
        RequestId = id, Time = time, KeyId = "vk_sessions", KeyName = "ci", Model = model, Deployment = model + "#0", Status = 200,
        InputTokens = input, OutputTokens = 10, CachedTokens = cached, CacheWriteTokens = written, CostMicros = cost, CacheSavingsMicros = saved,
        SessionLabel = session, SessionSource = session is null ? null : "claude_code_header",
    };

    [Fact]
    public async Task Script_SumsASession_OncePerRequest_KeepsItsFirstAndLastSeen_AndExpiresItAfterADay()
    {
        using var garnet = new GarnetInstance();
        await using var redis = new RedisConnection(garnet.ConnectionString, NullLogger<RedisConnection>.Instance, defaultTimeoutMs: RedisServiceCollectionExtensions.ControlPlaneTimeoutMs);
        var db = (await redis.DatabaseAsync())!;

        Assert.True(await UsageScript.ApplyAsync(db, Record("r1", "aaaa000011112222", Now.AddMinutes(-10), written: 5000, cost: 19_000), null));
        Assert.True(await UsageScript.ApplyAsync(db, Record("r2", "aaaa000011112222", Now, cached: 5000, written: 300, cost: 3000, saved: 13_500, model: "haiku"), null));
        Assert.False(await UsageScript.ApplyAsync(db, Record("r2", "aaaa000011112222", Now, cached: 5000, cost: 3000, saved: 13_500), null)); // a retry
        // A record retried late (older than the last one) counts, but moves neither last seen nor the latest model.
        Assert.True(await UsageScript.ApplyAsync(db, Record("r0", "aaaa000011112222", Now.AddMinutes(-20), cost: 1000), null));
        Assert.True(await UsageScript.ApplyAsync(db, Record("no-session", null, Now), null));

        var hash = (await db.HashGetAllAsync(RedisKeys.UsageSession("aaaa000011112222"))).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
        Assert.Equal("3", hash["requests"]);
        Assert.Equal("5000", hash["cached_tokens"]);
        Assert.Equal("5300", hash["cache_write_tokens"]);
        Assert.Equal("13500", hash["cache_savings_micros"]);
        Assert.Equal("23000", hash["cost_micros"]);
        Assert.Equal(Now.AddMinutes(-20).ToUnixTimeSeconds().ToString(), hash["first_seen"]);
        Assert.Equal(Now.ToUnixTimeSeconds().ToString(), hash["last_seen"]);
        Assert.Equal("haiku", hash["model"]);
        Assert.Equal("2", hash["model:claude"]);
        Assert.Equal("1", hash["model:haiku"]);
        Assert.Equal("vk_sessions", hash["key_id"]);
        Assert.Equal("ci", hash["key_name"]);
        Assert.Equal("claude_code_header", hash["source"]);
        var ttl = await db.KeyTimeToLiveAsync(RedisKeys.UsageSession("aaaa000011112222"));
        Assert.InRange(ttl!.Value, TimeSpan.FromHours(23), TimeSpan.FromHours(24));
        Assert.Equal(Now.ToUnixTimeSeconds(), await db.SortedSetScoreAsync(RedisKeys.UsageSessions, "aaaa000011112222"));
        Assert.Equal(23_000, await db.SortedSetScoreAsync(RedisKeys.UsageSessionsByCost, "aaaa000011112222"));
        Assert.Equal(1, await db.SortedSetLengthAsync(RedisKeys.UsageSessions)); // the request without a session is in no session

        var session = Assert.Single(await new UsageReader(redis).SessionsAsync(Now));
        Assert.Equal(5000.0 / 10_600, session.Counters.CacheHitRate!.Value, 6); // 5000 read of 300 + 5000 + 5300
        Assert.Equal(0.0135m, session.Counters.CacheSavingsUsd);
        Assert.Equal(["claude", "haiku"], session.Models.Select(m => m.Name));
    }

    [Fact]
    public async Task Script_DropsSessionsIdleForADay_FromBothIndexes_AndTheReaderLeavesThemOut()
    {
        using var garnet = new GarnetInstance();
        await using var redis = new RedisConnection(garnet.ConnectionString, NullLogger<RedisConnection>.Instance, defaultTimeoutMs: RedisServiceCollectionExtensions.ControlPlaneTimeoutMs);
        var db = (await redis.DatabaseAsync())!;

        await UsageScript.ApplyAsync(db, Record("old", "0000000000000old", Now.AddHours(-25), cost: 9_000_000), null);
        await UsageScript.ApplyAsync(db, Record("idle", "000000000000idle", Now.AddHours(-23), cost: 5_000_000), null);
        var reader = new UsageReader(redis);
        // Seen 25 h ago but still indexed (nothing was recorded since): the reader leaves it out, by time and by cost.
        Assert.Equal(["000000000000idle"], (await reader.SessionsAsync(Now)).Select(s => s.Label));
        Assert.Equal(["000000000000idle"], (await reader.SessionsAsync(Now, SessionOrder.Cost)).Select(s => s.Label));

        await UsageScript.ApplyAsync(db, Record("new", "0000000000000new", Now), null);
        Assert.Equal(["0000000000000new", "000000000000idle"], (await db.SortedSetRangeByRankAsync(RedisKeys.UsageSessions, order: Order.Descending)).Select(v => (string)v!));
        Assert.Equal(["000000000000idle", "0000000000000new"], (await db.SortedSetRangeByRankAsync(RedisKeys.UsageSessionsByCost, order: Order.Descending)).Select(v => (string)v!));
        Assert.Equal(["000000000000idle", "0000000000000new"], (await reader.SessionsAsync(Now, SessionOrder.Cost)).Select(s => s.Label));
        Assert.Single(await reader.SessionsAsync(Now, count: 1));
    }

    [Fact]
    public async Task Reader_ByCost_LooksPastAQuietDaysIdleSessions()
    {
        using var garnet = new GarnetInstance();
        await using var redis = new RedisConnection(garnet.ConnectionString, NullLogger<RedisConnection>.Instance, defaultTimeoutMs: RedisServiceCollectionExtensions.ControlPlaneTimeoutMs);
        var db = (await redis.DatabaseAsync())!;
        await UsageScript.ApplyAsync(db, Record("live", "000000000000live", Now.AddMinutes(-1), cost: 1), null);
        // 300 bigger sessions last seen 25 h ago, recorded after it (as a gateway retrying late would): nothing trims them.
        var batch = db.CreateBatch();
        var idle = Enumerable.Range(0, 300).Select(i => UsageScript.ApplyAsync(batch, Record($"idle-{i}", $"{i:x16}", Now.AddHours(-25), cost: 1_000 + i), null)).ToArray();
        batch.Execute();
        await Task.WhenAll(idle);

        var byCost = await new UsageReader(redis).SessionsAsync(Now, SessionOrder.Cost);
        Assert.Equal("000000000000live", Assert.Single(byCost).Label);
    }

    [Fact]
    public async Task Script_KeepsAtMostTheBound_DroppingTheLeastRecentlySeen_FromBothIndexes()
    {
        using var garnet = new GarnetInstance();
        await using var redis = new RedisConnection(garnet.ConnectionString, NullLogger<RedisConnection>.Instance, defaultTimeoutMs: RedisServiceCollectionExtensions.ControlPlaneTimeoutMs);
        var db = (await redis.DatabaseAsync())!;

        // The least recently seen is also the most spent: the bound is by recency, and the cost index follows it.
        await UsageScript.ApplyAsync(db, Record("s1", "1111111111111111", Now.AddMinutes(-3), cost: 9_000), null, sessionsKept: 2);
        await UsageScript.ApplyAsync(db, Record("s2", "2222222222222222", Now.AddMinutes(-2)), null, sessionsKept: 2);
        await UsageScript.ApplyAsync(db, Record("s3", "3333333333333333", Now.AddMinutes(-1)), null, sessionsKept: 2);
        await UsageScript.ApplyAsync(db, Record("s2b", "2222222222222222", Now), null, sessionsKept: 2);

        Assert.Equal(["2222222222222222", "3333333333333333"], (await db.SortedSetRangeByRankAsync(RedisKeys.UsageSessions, order: Order.Descending)).Select(v => (string)v!));
        Assert.Equal(["2222222222222222", "3333333333333333"], (await db.SortedSetRangeByRankAsync(RedisKeys.UsageSessionsByCost, order: Order.Descending)).Select(v => (string)v!));
        Assert.Equal(2, (await new UsageReader(redis).SessionsAsync(Now, SessionOrder.Cost)).Count);
    }

    [Fact]
    public async Task Script_RefusesASessionKeyOfTheWrongType_BeforeCountingAnything()
    {
        using var garnet = new GarnetInstance();
        await using var redis = new RedisConnection(garnet.ConnectionString, NullLogger<RedisConnection>.Instance, defaultTimeoutMs: RedisServiceCollectionExtensions.ControlPlaneTimeoutMs);
        var db = (await redis.DatabaseAsync())!;
        await db.StringSetAsync(RedisKeys.UsageSessions, "not a sorted set");

        var refused = await Assert.ThrowsAsync<RedisServerException>(() => UsageScript.ApplyAsync(db, Record("typed", "aaaa000011112222", Now), null));
        Assert.Contains("WRONGTYPE bridge:usage:sessions", refused.Message, StringComparison.Ordinal);
        Assert.False(await db.KeyExistsAsync(RedisKeys.UsageSeen("typed"))); // not marked seen: the retry counts it
        Assert.False(await db.KeyExistsAsync(RedisKeys.Usage(RedisKeys.Day(Now), "key", "vk_sessions")));
    }

    [Fact]
    public async Task UsagePage_ListsTheSessions_WithHitRateAndSavings_ByLastSeenOrBySpend()
    {
        using var garnet = new GarnetInstance();
        await using var redis = new RedisConnection(garnet.ConnectionString, NullLogger<RedisConnection>.Instance, defaultTimeoutMs: RedisServiceCollectionExtensions.ControlPlaneTimeoutMs);
        var db = (await redis.DatabaseAsync())!;
        await UsageScript.ApplyAsync(db, Record("a1", "aaaaaaaaaaaaaaaa", Now.AddMinutes(-30), written: 5000, cost: 19_000), null);
        await UsageScript.ApplyAsync(db, Record("a2", "aaaaaaaaaaaaaaaa", Now.AddMinutes(-20), cached: 5000, written: 300, cost: 3000, saved: 13_500), null);
        await UsageScript.ApplyAsync(db, Record("b1", "bbbbbbbbbbbbbbbb", Now, written: 1000, cached: 2000, cost: 4725, saved: 5400), null);
        using var context = UsagePageContext.Create(redis);

        var page = context.Render<Usage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#usage-sessions")), TimeSpan.FromSeconds(10));

        string[] Labels() => page.FindAll("#usage-sessions .session-label").Select(l => l.TextContent.Trim()).ToArray();
        Assert.Equal(["bbbbbbbbbbbbbbbb", "aaaaaaaaaaaaaaaa"], Labels()); // most recently seen first
        var a = page.FindAll("#usage-sessions tr").Single(r => r.TextContent.Contains("aaaaaaaaaaaaaaaa", StringComparison.Ordinal));
        Assert.Equal("47.6%", a.QuerySelector(".cache-hit-rate")!.TextContent.Trim()); // 5000 / 10500
        Assert.Equal("0.0135", a.QuerySelector(".cache-savings")!.TextContent.Trim());
        Assert.Contains("ci", a.TextContent, StringComparison.Ordinal);
        Assert.Contains("10,500", a.TextContent, StringComparison.Ordinal); // all input tokens
        var b = page.FindAll("#usage-sessions tr").Single(r => r.TextContent.Contains("bbbbbbbbbbbbbbbb", StringComparison.Ordinal));
        Assert.Equal("64.5%", b.QuerySelector(".cache-hit-rate")!.TextContent.Trim()); // 2000 / 3100
        Assert.Equal("0.0054", b.QuerySelector(".cache-savings")!.TextContent.Trim());

        page.Find("#sessions-by-cost").Click();
        page.WaitForAssertion(() => Assert.Equal(["aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"], Labels()), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task UsagePage_SaysSo_WhenNoSessionWasSeen()
    {
        using var garnet = new GarnetInstance();
        await using var redis = new RedisConnection(garnet.ConnectionString, NullLogger<RedisConnection>.Instance, defaultTimeoutMs: RedisServiceCollectionExtensions.ControlPlaneTimeoutMs);
        using var context = UsagePageContext.Create(redis);

        var page = context.Render<Usage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#sessions-empty")), TimeSpan.FromSeconds(10));
    }
}
