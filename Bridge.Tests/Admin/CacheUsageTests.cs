using Bridge.Admin.Components.Pages;
using Bridge.Admin.Stores;
using Bridge.Admin.Redis;
using Bridge.Gateway.State;
using Bridge.Gateway.Usage;
using Bridge.Tests.Infrastructure;
using Bunit;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Tests.Admin;

/// <summary>
/// Prompt-cache hit rate (cached / all input tokens) and the money the cache saved, per key, model, deployment and
/// day: written by the gateway's usage script, read by the Admin's reader, its API and its Usage page.
/// </summary>
public sealed class CacheUsageTests
{
    private static readonly DateTimeOffset Today = DateTimeOffset.UtcNow;

    /// <summary>Two requests on Claude (one cold, one warm) and one on GPT without cache.</summary>
    private static async Task RecordAsync(RedisConnection redis)
    {
        var db = (await redis.DatabaseAsync())!;
        UsageRecord Record(string id, string model, long input, long cached, long written, long saved) => new()
        {
            RequestId = id, Time = Today, KeyId = "vk_cache", Model = model, Deployment = model + "#0", Status = 200,
            InputTokens = input, OutputTokens = 10, CachedTokens = cached, CacheWriteTokens = written, CostMicros = 1000, CacheSavingsMicros = saved,
        };
        await UsageScript.ApplyAsync(db, Record("cold", "claude", 100, 0, 5000, 0), null);
        await UsageScript.ApplyAsync(db, Record("warm", "claude", 100, 5000, 300, 13_500), null);
        await UsageScript.ApplyAsync(db, Record("gpt", "gpt", 500, 0, 0, 0), null);
    }

    [Fact]
    public async Task Reader_SumsCacheCounters_IntoHitRateAndSavings_PerDimension()
    {
        using var garnet = new GarnetInstance();
        await using var redis = new RedisConnection(garnet.ConnectionString, NullLogger<RedisConnection>.Instance, defaultTimeoutMs: RedisServiceCollectionExtensions.ControlPlaneTimeoutMs);
        await RecordAsync(redis);

        var report = await new UsageReader(redis).ReadAsync(DateOnly.FromDateTime(Today.UtcDateTime), DateOnly.FromDateTime(Today.UtcDateTime));

        var claude = report.By(UsageReport.Model).Single(t => t.Name == "claude").Counters;
        Assert.Equal(5000, claude.CachedTokens);
        Assert.Equal(5300, claude.CacheWriteTokens);
        Assert.Equal(5000.0 / 10500, claude.CacheHitRate!.Value, 6); // 5000 cached of 200 + 5000 + 5300
        Assert.Equal(0.0135m, claude.CacheSavingsUsd);
        Assert.Equal(0.0, report.By(UsageReport.Model).Single(t => t.Name == "gpt").Counters.CacheHitRate);
        var key = report.By(UsageReport.Key).Single().Counters;
        Assert.Equal(5000.0 / 11000, key.CacheHitRate!.Value, 6);
        Assert.Equal(0.0135m, report.Totals.CacheSavingsUsd);
        Assert.Equal(5000.0 / 11000, report.ByDay().Single().Counters.CacheHitRate!.Value, 6);
        Assert.Null(default(UsageCounters).CacheHitRate);
    }

    [Fact]
    public async Task UsagePage_ShowsHitRateAndSavings_InTotalsAndPerModel()
    {
        using var garnet = new GarnetInstance();
        await using var redis = new RedisConnection(garnet.ConnectionString, NullLogger<RedisConnection>.Instance, defaultTimeoutMs: RedisServiceCollectionExtensions.ControlPlaneTimeoutMs);
        await RecordAsync(redis);
        using var context = UsagePageContext.Create(redis);

        var page = context.Render<Usage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#usage-by-model")), TimeSpan.FromSeconds(10));

        Assert.Equal("45.5%", page.Find("#usage-hit-rate").TextContent.Trim()); // 5000 / 11000
        Assert.Equal("$0.0135", page.Find("#usage-cache-savings").TextContent.Trim());
        Assert.Contains("45.5", page.Find("#chart-cache-hit-rate").TextContent, StringComparison.Ordinal);
        var claudeRow = page.FindAll("#usage-by-model tr").Single(r => r.TextContent.Contains("claude", StringComparison.Ordinal));
        Assert.Equal("47.6%", claudeRow.QuerySelector(".cache-hit-rate")!.TextContent.Trim()); // 5000 / 10500
        Assert.Equal("0.0135", claudeRow.QuerySelector(".cache-savings")!.TextContent.Trim());
        var gptRow = page.FindAll("#usage-by-model tr").Single(r => r.TextContent.Contains("gpt", StringComparison.Ordinal));
        Assert.Equal("0.0%", gptRow.QuerySelector(".cache-hit-rate")!.TextContent.Trim());
        Assert.Equal(["47.6%", "0.0%"], page.FindAll("#usage-by-deployment .cache-hit-rate").Select(c => c.TextContent.Trim()).Order().Reverse());
        Assert.Single(page.FindAll("#usage-by-key .cache-hit-rate"), c => c.TextContent.Trim() == "45.5%");
    }
}
