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
/// Usage records Redis refused: the gateway's writer moves them to <c>bridge:usage:dead</c>, the Admin's reader and
/// Usage page show them (count, request, key, model, reason), with no prompt content.
/// </summary>
public sealed class UsageDeadLettersTests
{
    [Fact]
    public async Task RecordRefusedByRedis_IsReadByTheAdmin_AndShownOnTheUsagePage()
    {
        using var garnet = new GarnetInstance();
        await using var redis = new RedisConnection(garnet.ConnectionString, NullLogger<RedisConnection>.Instance, defaultTimeoutMs: RedisServiceCollectionExtensions.ControlPlaneTimeoutMs);
        var reader = new UsageReader(redis);
        using var context = UsagePageContext.Create(redis, reader);
        var time = DateTimeOffset.UtcNow;

        var before = context.Render<Usage>();
        before.WaitForAssertion(() => Assert.Empty(before.FindAll(".admin-loading")), TimeSpan.FromSeconds(10));
        Assert.Empty(before.FindAll("#usage-dead-letters"));

        var db = (await redis.DatabaseAsync())!;
        await db.StringSetAsync(RedisKeys.Usage(RedisKeys.Day(time), "model", "model-poisoned"), "not a hash");
        using var telemetry = TestTelemetry.Create();
        var writer = new UsageWriter(redis, telemetry, TimeProvider.System, NullLogger<UsageWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        writer.Record(new UsageRecord
        {
            RequestId = "req_refused_1", Time = time, KeyId = "vk_dl", KeyName = "dana-laptop", Model = "model-poisoned", Deployment = "dep-p",
            Status = 200, InputTokens = 12, OutputTokens = 3, CostMicros = 4200,
        });
        for (var i = 0; i < 200 && writer.DeadLettered == 0; i++) await Task.Delay(50);
        await writer.StopAsync(CancellationToken.None);

        var dead = await reader.DeadLettersAsync();
        Assert.Equal(1, dead.Count);
        var letter = Assert.Single(dead.Latest);
        Assert.Equal(("req_refused_1", "vk_dl", "dana-laptop", "model-poisoned", 4200L), (letter.RequestId, letter.KeyId, letter.KeyName, letter.Model, letter.CostMicros));
        Assert.Contains("WRONGTYPE", letter.Reason);

        var page = context.Render<Usage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("#usage-dead-letters")), TimeSpan.FromSeconds(10));
        Assert.Contains("1 usage record(s) were refused", page.Find("#usage-dead-letters-count").TextContent);
        var grid = page.Find("#usage-dead-letters").TextContent;
        Assert.Contains("req_refused_1", grid);
        Assert.Contains("dana-laptop", grid);
        Assert.Contains("model-poisoned", grid);
        Assert.Contains("WRONGTYPE", page.Find(".dead-letter-reason").TextContent);
        Assert.Contains($"{UsageWriter.MaxRefusals} tries", grid);
    }
}
