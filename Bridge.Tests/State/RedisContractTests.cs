using Bridge.Admin.Redis;
using Bridge.Admin.Stores;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Models;
using Bridge.Gateway.State;
using Bridge.Gateway.Usage;
using Bridge.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Tests.State;

/// <summary>
/// docs/redis-contract.md, enforced: each test writes through the Admin's stores and reads through the Gateway's
/// own readers (or the reverse for usage), against a real Redis-compatible server.
/// </summary>
public sealed class RedisContractTests : IAsyncLifetime
{
    private const string Yaml = """
        model_list:
          - model_name: model-a
            litellm_params: { model: openai/gpt-4o, api_key: k }
          - model_name: model-b
            litellm_params: { model: openai/gpt-4o-mini, api_key: k }
        litellm_settings:
          model_alias_map:
            fast: model-a
        general_settings:
          master_key: sk-config-master-key-for-contract
        """;

    private readonly GarnetInstance _garnet = new();
    private readonly BridgeConfig _config = ConfigLoader.Parse(Yaml, new EnvironmentSource(null, _ => null));
    private RedisConnection _adminRedis = null!;
    private RedisConnection _gatewayRedis = null!;
    private KeyDirectory _keys = null!;
    private ModelCatalog _catalog = null!;
    private AliasDirectory _aliases = null!;
    private StateEventsListener _listener = null!;

    public async Task InitializeAsync()
    {
        // The admin's own command timeout, as in production (the gateway's 2 s timed a first command out once on a loaded run).
        _adminRedis = new RedisConnection(_garnet.ConnectionString, NullLogger<RedisConnection>.Instance, defaultTimeoutMs: RedisServiceCollectionExtensions.ControlPlaneTimeoutMs);
        _gatewayRedis = new RedisConnection(_garnet.ConnectionString, NullLogger<RedisConnection>.Instance);
        _keys = new KeyDirectory(_gatewayRedis, TimeProvider.System, NullLogger<KeyDirectory>.Instance, new Bridge.Gateway.Configuration.GatewayOptions());
        _catalog = new ModelCatalog(_config);
        _aliases = new AliasDirectory(_gatewayRedis, _catalog, NullLogger<AliasDirectory>.Instance);
        _listener = new StateEventsListener(_gatewayRedis, _keys, _aliases, [], NullLogger<StateEventsListener>.Instance);
        await _listener.StartAsync(CancellationToken.None);
        await WaitForSubscriptionAsync();
    }

    public async Task DisposeAsync()
    {
        await _listener.StopAsync(CancellationToken.None);
        await _adminRedis.DisposeAsync();
        await _gatewayRedis.DisposeAsync();
        _garnet.Dispose();
    }

    [Fact]
    public async Task VirtualKey_CreatedByAdmin_IsFoundByGateway_WithEverySetting()
    {
        var store = new VirtualKeyStore(_adminRedis, TimeProvider.System);
        var expires = DateTimeOffset.UtcNow.AddDays(10);

        var created = await store.CreateAsync(new VirtualKeySettings
        {
            Name = "alice-laptop", Owner = "alice", Models = ["model-a", "gpt-*"], Aliases = new Dictionary<string, string> { ["x"] = "model-b" },
            MaxBudgetUsd = 25.5m, BudgetDuration = "1mo", RpmLimit = 60, TpmLimit = 100_000, MaxParallelRequests = 3, ExpiresAt = expires,
        });
        var lookup = await _keys.FindAsync(created.Key, CancellationToken.None);

        Assert.Equal(KeyLookupResult.VirtualKey, lookup.Result);
        var key = lookup.VirtualKey!;
        Assert.Equal(created.Record.Id, key.Id);
        Assert.Equal("alice-laptop", key.Name);
        Assert.Equal("alice", key.Owner);
        Assert.Equal(["model-a", "gpt-*"], key.Models);
        Assert.Equal("model-b", key.Aliases["x"]);
        Assert.Equal(25.5m, key.MaxBudgetUsd);
        Assert.Equal("1mo", key.BudgetDuration);
        Assert.Equal((60, 100_000, 3), (key.RpmLimit!.Value, key.TpmLimit!.Value, key.MaxParallelRequests!.Value));
        Assert.Equal(expires.ToUnixTimeSeconds(), key.ExpiresAt!.Value.ToUnixTimeSeconds());
        Assert.Equal(created.Key[..7] + "...", key.KeyPrefix);
        Assert.StartsWith("sk-", created.Key);
        Assert.True(created.Key.Length >= 35);
    }

    [Fact]
    public async Task VirtualKey_RevokedOrBlockedInAdmin_GatewayCacheFollowsTheEvent()
    {
        var store = new VirtualKeyStore(_adminRedis, TimeProvider.System);
        var created = await store.CreateAsync(new VirtualKeySettings { Name = "bob" });
        Assert.Equal(KeyLookupResult.VirtualKey, (await _keys.FindAsync(created.Key, CancellationToken.None)).Result); // now cached for 30 s

        await store.SetBlockedAsync(created.Record.Id, true);
        await Eventually(async () => (await _keys.FindAsync(created.Key, CancellationToken.None)).VirtualKey?.Blocked == true);

        await store.RevokeAsync(created.Record.Id);
        await Eventually(async () => (await _keys.FindAsync(created.Key, CancellationToken.None)).Result == KeyLookupResult.NotFound);
    }

    [Fact]
    public async Task VirtualKey_Rotated_OldValueDropsFromGatewayCache_NewValueHasSameIdAndSettings()
    {
        var store = new VirtualKeyStore(_adminRedis, TimeProvider.System);
        var created = await store.CreateAsync(new VirtualKeySettings { Name = "carol", RpmLimit = 7 });
        Assert.Equal(KeyLookupResult.VirtualKey, (await _keys.FindAsync(created.Key, CancellationToken.None)).Result);

        var rotated = (await store.RotateAsync(created.Record.Id))!;

        await Eventually(async () => (await _keys.FindAsync(created.Key, CancellationToken.None)).Result == KeyLookupResult.NotFound);
        var lookup = await _keys.FindAsync(rotated.Key, CancellationToken.None);
        Assert.Equal(created.Record.Id, lookup.VirtualKey!.Id);
        Assert.Equal(7, lookup.VirtualKey.RpmLimit);
    }

    [Fact]
    public async Task MasterKey_CreatedByAdmin_IsFoundByGateway_UntilRevoked()
    {
        var store = new MasterKeyStore(_adminRedis, _config, TimeProvider.System);
        var created = await store.CreateAsync("ci");

        var lookup = await _keys.FindAsync(created.Key, CancellationToken.None);
        Assert.Equal(KeyLookupResult.MasterKey, lookup.Result);
        Assert.Equal(created.Record.Id, lookup.MasterKey!.Id);
        Assert.Equal("ci", lookup.MasterKey.Name);

        Assert.Equal(MasterKeyRevocation.Revoked, await store.RevokeAsync(created.Record.Id));
        await Eventually(async () => (await _keys.FindAsync(created.Key, CancellationToken.None)).Result == KeyLookupResult.NotFound);
    }

    [Fact]
    public async Task Aliases_SeededAndEditedInAdmin_ResolveInGatewayCatalog_AfterTheEvent()
    {
        var store = new AliasStore(_adminRedis, _config);
        Assert.True(await store.EnsureSeededAsync());
        Assert.Equal("model-a", (await store.ListAsync())["fast"]);

        await store.SetAsync("fast", "model-b");
        await store.SetAsync("smart", "model-a");

        await Eventually(() => Task.FromResult(_catalog.Resolve("fast")?.Name == "model-b" && _catalog.Resolve("smart")?.Name == "model-a"));

        // A second admin (or a restart) does not seed again over the edits.
        Assert.False(await new AliasStore(_adminRedis, _config).EnsureSeededAsync());
        await _aliases.ReloadAsync();
        Assert.Equal("model-b", _catalog.Resolve("fast")?.Name);
    }

    [Fact]
    public async Task Usage_WrittenByGateway_IsReadByAdmin_AndAReplayedRecordCountsOnce()
    {
        var time = new DateTimeOffset(2030, 3, 14, 10, 0, 0, TimeSpan.Zero);
        var first = new UsageRecord
        {
            RequestId = "req_1", Time = time, KeyId = "vk_alice", KeyName = "alice", Model = "model-a", Deployment = "dep-a1",
            Status = 200, InputTokens = 100, OutputTokens = 20, CachedTokens = 40, CostMicros = 1500, LatencyMs = 321.4,
        };
        var second = first with { RequestId = "req_2", Time = time.AddDays(1), Model = "model-b", Deployment = "dep-b1", Status = 500, CostMicros = 500 };

        using var telemetry = TestTelemetry.Create();
        var writer = new UsageWriter(_gatewayRedis, telemetry, TimeProvider.System, NullLogger<UsageWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        writer.Record(first);
        writer.Record(second);
        await Eventually(() => Task.FromResult(writer.Written == 2));
        await writer.StopAsync(CancellationToken.None);
        var db = (await _gatewayRedis.DatabaseAsync())!;
        Assert.False(await UsageScript.ApplyAsync(db, first, null)); // replayed after a blip: ignored

        var report = await new UsageReader(_adminRedis).ReadAsync(new DateOnly(2030, 3, 14), new DateOnly(2030, 3, 16));

        Assert.Equal(new UsageCounters(2, 1, 200, 40, 80, 2000), report.Totals);
        var alice = Assert.Single(report.By(UsageReport.Key));
        Assert.Equal(("vk_alice", 2L), (alice.Name, alice.Counters.Requests));
        Assert.Equal(["model-a", "model-b"], report.By(UsageReport.Model).Select(t => t.Name).Order());
        Assert.Equal(["dep-a1", "dep-b1"], report.By(UsageReport.Deployment).Select(t => t.Name).Order());
        Assert.Equal([1L, 1L, 0L], report.ByDay().Select(d => d.Counters.Requests));
        Assert.Equal(1500, report.ByDay()[0].Counters.CostMicros);

        var recent = await new UsageReader(_adminRedis).RecentAsync(10);
        Assert.Equal(["req_2", "req_1"], recent.Select(r => r.RequestId));
        Assert.Equal(500, recent[0].Status);
        Assert.Equal(321.4, recent[1].LatencyMs);

        var outside = await new UsageReader(_adminRedis).ReadAsync(new DateOnly(2030, 3, 16), new DateOnly(2030, 3, 20));
        Assert.Equal(0, outside.Totals.Requests);
    }

    private async Task WaitForSubscriptionAsync()
    {
        var multiplexer = (await _adminRedis.GetAsync())!;
        for (var i = 0; i < 100; i++)
        {
            if (await multiplexer.GetSubscriber().PublishAsync(StackExchange.Redis.RedisChannel.Literal(RedisKeys.Events), "ping") > 0) return;
            await Task.Delay(50);
        }
        throw new TimeoutException("the gateway's listener never subscribed");
    }

    /// <summary>Within a second, as the issue demands of revocation and alias changes.</summary>
    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(1);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("the gateway side did not follow within one second");
            await Task.Delay(20);
        }
    }
}
