using Bridge.Admin.Stores;
using Bridge.Gateway.State;
using Bridge.Gateway.Usage;
using Bridge.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Bridge.Tests.State;

/// <summary>
/// The request log's retention, on a real Redis-compatible server (Garnet): bounded by age (entries past
/// <see cref="RedisKeys.RecentRequestsMaxAge"/> leave as new ones arrive) as well as by count, and searched by the
/// admin's filters.
/// </summary>
public sealed class RequestLogRetentionTests : IAsyncLifetime
{
    private readonly GarnetInstance _garnet = new();
    private ConnectionMultiplexer _redis = null!;

    public async Task InitializeAsync() => _redis = await ConnectionMultiplexer.ConnectAsync(_garnet.ConnectionString);

    public async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        _garnet.Dispose();
    }

    private static UsageRecord Record(string id, DateTimeOffset time, int status = 200, string deployment = "dep-a", string? key = null) => new()
    {
        RequestId = id, Time = time, KeyId = key, Model = "group-a", Deployment = deployment, Status = status,
        Protocol = "openai", RequestedModel = "alias-a", Attempts = 1,
    };

    private async Task<List<string>> LoggedIds() =>
        (await _redis.GetDatabase().ListRangeAsync(RedisKeys.RecentRequests)).Select(v => StateJson.Deserialize<RequestLogEntry>(v!)!.RequestId).ToList();

    [Fact]
    public async Task EntriesPastTheAgeBound_LeaveWhenNewOnesArrive()
    {
        var db = _redis.GetDatabase();
        var now = DateTimeOffset.UtcNow;
        await UsageScript.ApplyAsync(db, Record("too-old", now - RedisKeys.RecentRequestsMaxAge - TimeSpan.FromMinutes(5)), null);
        await UsageScript.ApplyAsync(db, Record("also-old", now - RedisKeys.RecentRequestsMaxAge - TimeSpan.FromMinutes(1)), null);
        await UsageScript.ApplyAsync(db, Record("yesterday", now - TimeSpan.FromDays(1)), null);
        Assert.Equal(["yesterday", "also-old", "too-old"], await LoggedIds()); // within the bound of the newest entry

        await UsageScript.ApplyAsync(db, Record("new", now), null);
        Assert.Equal(["new", "yesterday"], await LoggedIds());
    }

    [Fact]
    public async Task AdminSearch_FiltersByStatusDeploymentKeyAndTime()
    {
        var db = _redis.GetDatabase();
        var now = DateTimeOffset.UtcNow;
        await UsageScript.ApplyAsync(db, Record("ok-1", now - TimeSpan.FromMinutes(30)), null);
        await UsageScript.ApplyAsync(db, Record("fail-1", now - TimeSpan.FromMinutes(20), status: 503, deployment: "dep-b"), null);
        await UsageScript.ApplyAsync(db, Record("limit-1", now - TimeSpan.FromMinutes(10), status: 429, key: "vk_alice"), null);
        await using var connection = new RedisConnection(_garnet.ConnectionString, NullLogger<RedisConnection>.Instance);
        var reader = new UsageReader(connection);

        async Task<List<string>> Ids(RequestLogFilter filter) => (await reader.SearchRecentAsync(filter, now)).Select(e => e.RequestId).ToList();

        Assert.Equal(["limit-1", "fail-1", "ok-1"], await Ids(new RequestLogFilter()));
        Assert.Equal(["limit-1", "fail-1"], await Ids(new RequestLogFilter(Status: "errors")));
        Assert.Equal(["fail-1"], await Ids(new RequestLogFilter(Status: "5xx")));
        Assert.Equal(["limit-1"], await Ids(new RequestLogFilter(Status: "429")));
        Assert.Equal(["ok-1"], await Ids(new RequestLogFilter(Status: "ok")));
        Assert.Equal(["fail-1"], await Ids(new RequestLogFilter(Deployment: "DEP-B")));
        Assert.Equal(["limit-1"], await Ids(new RequestLogFilter(Key: "alice")));
        Assert.Equal(["ok-1"], await Ids(new RequestLogFilter(To: now - TimeSpan.FromMinutes(25))));
        Assert.Equal(["limit-1", "fail-1"], await Ids(new RequestLogFilter(From: now - TimeSpan.FromMinutes(25))));
        Assert.Equal(3, (await Ids(new RequestLogFilter(Model: "alias-a"))).Count);
        await Assert.ThrowsAsync<FieldValidationException>(() => reader.SearchRecentAsync(new RequestLogFilter(Status: "bad"), now));
    }
}
