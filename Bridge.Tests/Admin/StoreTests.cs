using Bridge.Admin.Stores;
using System.Text.Json.Nodes;
using Bridge.Admin.Redis;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Models.Stored;
using Bridge.Gateway.State;
using Bridge.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Tests.Admin;

public sealed class StoreTests(GarnetFixture fixture) : IClassFixture<GarnetFixture>, IAsyncLifetime
{
    private RedisConnection _redis = null!;

    public Task InitializeAsync()
    {
        _redis = new RedisConnection(fixture.Garnet.ConnectionString, NullLogger<RedisConnection>.Instance, defaultTimeoutMs: RedisServiceCollectionExtensions.ControlPlaneTimeoutMs);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    private static BridgeConfig Config(string? masterKey) => new() { MasterKey = masterKey, MasterKeySource = "test" };

    [Fact]
    public async Task Rotate_KeepsIdSettingsAnchorAndCreation_ChangesValueAndPrefix_OldValueGone()
    {
        var store = new VirtualKeyStore(_redis, TimeProvider.System);
        var created = await store.CreateAsync(new VirtualKeySettings { Name = "rotate-me", Owner = "dana", Models = ["m-*"], MaxBudgetUsd = 3, BudgetDuration = "7d", TpmLimit = 99 });

        var rotated = (await store.RotateAsync(created.Record.Id))!;

        Assert.NotEqual(created.Key, rotated.Key);
        // Everything but the prefix and the update time survives (compared as stored, since lists compare by reference).
        Assert.Equal(StateJson.Serialize(created.Record with { KeyPrefix = rotated.Record.KeyPrefix, UpdatedAt = rotated.Record.UpdatedAt }),
            StateJson.Serialize(rotated.Record));
        Assert.Equal(rotated.Key[..7] + "...", rotated.Record.KeyPrefix);
        Assert.Null(await store.FindBySecretAsync(created.Key));
        Assert.Equal(created.Record.Id, (await store.FindBySecretAsync(rotated.Key))!.Id);
        Assert.Equal(created.Record.Id, (await store.GetAsync(created.Record.Id))!.Id);
        Assert.Contains(await store.ListAsync(), k => k.Id == created.Record.Id);
    }

    [Fact]
    public async Task BudgetTheGatewayCannotCount_IsRefusedBeforeAnythingIsWritten()
    {
        // The key form and every API go through the store: a budget past ~9.2e12 USD would overflow micro-dollars.
        var store = new VirtualKeyStore(_redis, TimeProvider.System);

        var error = await Assert.ThrowsAsync<FieldValidationException>(() => store.CreateAsync(new VirtualKeySettings { MaxBudgetUsd = 9_300_000_000_000m }));

        Assert.StartsWith("max_budget:", error.Message);
        Assert.Equal(1_000_000_000_000m, (await store.CreateAsync(new VirtualKeySettings { MaxBudgetUsd = BudgetMicros.MaxBudgetUsd })).Record.MaxBudgetUsd);
    }

    [Fact]
    public async Task Update_ReplacesSettings_KeepsValue_NewDurationRestartsBudgetPeriod()
    {
        var store = new VirtualKeyStore(_redis, TimeProvider.System);
        var created = await store.CreateAsync(new VirtualKeySettings { Name = "before", BudgetDuration = "1d" });
        await Task.Delay(20);

        var same = (await store.UpdateAsync(created.Record.Id, new VirtualKeySettings { Name = "after", BudgetDuration = "1d", Blocked = true }))!;
        var changed = (await store.UpdateAsync(created.Record.Id, new VirtualKeySettings { Name = "after", BudgetDuration = "30d" }))!;

        Assert.Equal(("after", true), (same.Name, same.Blocked));
        Assert.Equal(created.Record.BudgetAnchor, same.BudgetAnchor);
        Assert.True(changed.BudgetAnchor > created.Record.BudgetAnchor);
        Assert.Equal(created.Record.Id, (await store.FindBySecretAsync(created.Key))!.Id);
    }

    [Fact]
    public async Task Search_MatchesNameOwnerIdPrefix_CaseInsensitive_AndAWholeKeyFindsItself()
    {
        var store = new VirtualKeyStore(_redis, TimeProvider.System);
        var marker = Guid.NewGuid().ToString("N")[..8];
        var a = await store.CreateAsync(new VirtualKeySettings { Name = $"Search-{marker}-Laptop", Owner = "erin" });
        var b = await store.CreateAsync(new VirtualKeySettings { Name = "other", Owner = $"Owner-{marker}" });

        // Both match; their order is their creation time, which can be the same millisecond.
        Assert.Equal(new[] { a.Record.Id, b.Record.Id }.Order(), (await store.SearchAsync(marker.ToUpperInvariant())).Select(k => k.Id).Order());
        Assert.Equal([a.Record.Id], (await store.SearchAsync($"search-{marker}-LAPTOP")).Select(k => k.Id));
        Assert.Equal([b.Record.Id], (await store.SearchAsync(b.Record.Id.ToLowerInvariant())).Select(k => k.Id));
        Assert.Contains(a.Record.Id, (await store.SearchAsync(a.Record.KeyPrefix)).Select(k => k.Id));
        Assert.Equal([a.Record.Id], (await store.SearchAsync(a.Key)).Select(k => k.Id));
        Assert.Empty(await store.SearchAsync(a.Key + "x"));
    }

    [Fact]
    public async Task Revoke_RemovesRecordLookupAndIndex()
    {
        var store = new VirtualKeyStore(_redis, TimeProvider.System);
        var created = await store.CreateAsync(new VirtualKeySettings { Name = "gone" });

        Assert.True(await store.RevokeAsync(created.Record.Id));

        var db = (await _redis.DatabaseAsync())!;
        Assert.False(await db.KeyExistsAsync(RedisKeys.VirtualKeyById(created.Record.Id)));
        Assert.Null(await db.SortedSetScoreAsync(RedisKeys.VirtualKeyIndex, created.Record.Id));
        Assert.Null(await store.FindBySecretAsync(created.Key));
        Assert.False(await store.RevokeAsync(created.Record.Id));
    }

    [Theory]
    [InlineData("rpm_limit")]
    [InlineData("budget_duration")]
    [InlineData("models")]
    [InlineData("max_budget")]
    public async Task Create_RefusesInvalidSettings_NamingTheField(string field)
    {
        var store = new VirtualKeyStore(_redis, TimeProvider.System);
        var settings = field switch
        {
            "rpm_limit" => new VirtualKeySettings { RpmLimit = 0 },
            "budget_duration" => new VirtualKeySettings { BudgetDuration = "monthly" },
            "models" => new VirtualKeySettings { Models = ["gpt 4"] },
            _ => new VirtualKeySettings { MaxBudgetUsd = -1 },
        };

        var ex = await Assert.ThrowsAsync<FieldValidationException>(() => store.CreateAsync(settings));

        Assert.Equal(field, ex.Field);
        Assert.StartsWith(field + ":", ex.Message);
    }

    [Fact]
    public async Task MasterKeys_LastRemainingKeyCannotBeRevoked_WhenConfigHasNone()
    {
        await using var garnet = new GarnetOwner();
        var store = new MasterKeyStore(garnet.Redis, Config(null), TimeProvider.System);
        var first = await store.CreateAsync("first");
        var second = await store.CreateAsync("second");

        Assert.Equal(MasterKeyRevocation.Revoked, await store.RevokeAsync(first.Record.Id));
        Assert.Equal(MasterKeyRevocation.LastKey, await store.RevokeAsync(second.Record.Id));
        Assert.Equal(["second"], (await store.ListAsync()).Select(k => k.Name));
        Assert.NotNull(await store.FindBySecretAsync(second.Key));
    }

    [Fact]
    public async Task MasterKeys_ConfigKeyCounts_IsListedFirst_AndCannotBeRevoked()
    {
        await using var garnet = new GarnetOwner();
        var store = new MasterKeyStore(garnet.Redis, Config("sk-config-key-1234567890"), TimeProvider.System);
        var only = await store.CreateAsync("only-stored");

        var list = await store.ListAsync();
        Assert.Equal([MasterKeyEntry.ConfigurationId, only.Record.Id], list.Select(k => k.Id));
        Assert.True(list[0].FromConfiguration);
        Assert.Equal("sk-conf...", list[0].KeyPrefix);
        Assert.Equal(MasterKeyRevocation.FromConfiguration, await store.RevokeAsync(MasterKeyEntry.ConfigurationId));
        Assert.Equal(MasterKeyRevocation.Revoked, await store.RevokeAsync(only.Record.Id)); // the config key remains
        Assert.Equal(MasterKeyRevocation.NotFound, await store.RevokeAsync(only.Record.Id));
    }

    [Theory]
    [InlineData("sk-1234")]        // 7 characters: the old prefix was the whole key
    [InlineData("x")]
    [InlineData("sk-12345678")]   // the old prefix showed all but 4 characters
    [InlineData("sk-1234567890")]
    public async Task MasterKeys_AShortConfiguredKey_IsNeverShown_NotEvenItsPrefix(string configured)
    {
        await using var garnet = new GarnetOwner();
        var store = new MasterKeyStore(garnet.Redis, Config(configured), TimeProvider.System);

        var entry = (await store.ListAsync())[0];

        Assert.True(entry.FromConfiguration);
        Assert.Equal(SecretKeys.Hidden, entry.KeyPrefix);
    }

    [Fact]
    public async Task Aliases_RefuseUnknownTargetsAndShadowingModelNames()
    {
        await using var garnet = new GarnetOwner();
        var config = ConfigLoader.Parse("""
            model_list:
              - model_name: real
                litellm_params: { model: openai/gpt-4o, api_key: k }
            """, new EnvironmentSource(null, _ => null));
        var store = new AliasStore(garnet.Redis, config);

        Assert.Equal("target", (await Assert.ThrowsAsync<FieldValidationException>(() => store.SetAsync("a", "nope"))).Field);
        Assert.Equal("alias", (await Assert.ThrowsAsync<FieldValidationException>(() => store.SetAsync("real", "real"))).Field);
        Assert.Equal("alias", (await Assert.ThrowsAsync<FieldValidationException>(() => store.SetAsync("has space", "real"))).Field);
        await store.SetAsync("nick", "real");
        Assert.Equal("real", (await store.ListAsync())["nick"]);
        Assert.True(await store.DeleteAsync("nick"));
        Assert.Empty(await store.ListAsync());
    }

    [Fact]
    public async Task Aliases_MayPointAtModelsAddedAtRuntime_AndNotShadowThem()
    {
        await using var garnet = new GarnetOwner();
        var config = ConfigLoader.Parse("""
            model_list:
              - model_name: real
                litellm_params: { model: openai/gpt-4o, api_key: k }
            """, new EnvironmentSource(null, _ => null));
        var models = new StoredModelStore(() => garnet.Redis.DatabaseAsync(), new ModelSecrets(null, "sk-store-test-master"), TimeProvider.System);
        await models.SaveAsync(null, "added-live", new JsonObject { ["model"] = "openai/gpt-4o-mini", ["api_key"] = "k" }, null, disabled: false);
        var store = new AliasStore(garnet.Redis, config, models);

        Assert.Equal(["added-live", "real"], await store.ModelNamesAsync());
        await store.SetAsync("nick", "added-live");
        Assert.Equal("added-live", (await store.ListAsync())["nick"]);
        Assert.Equal("alias", (await Assert.ThrowsAsync<FieldValidationException>(() => store.SetAsync("added-live", "real"))).Field);
    }

    [Fact]
    public void Csv_QuotesAndDefusesFormulaNames()
    {
        var report = new UsageReport(new DateOnly(2030, 1, 1), new DateOnly(2030, 1, 1),
            [new UsageRow(new DateOnly(2030, 1, 1), UsageReport.Key, "vk_1", new UsageCounters(3, 1, 10, 5, 2, 1_234_567))]);

        var csv = UsageCsv.Write(report, new Dictionary<string, string?> { ["vk_1"] = "=HYPERLINK(\"x\",1)" });

        Assert.Equal(UsageCsv.Header + "\n2030-01-01,key,vk_1,\"'=HYPERLINK(\"\"x\"\",1)\",3,1,10,5,2,1.234567,0,0.1667,0\n", csv);
    }

    /// <summary>A Garnet of its own, for tests that need an empty Redis.</summary>
    private sealed class GarnetOwner : IAsyncDisposable
    {
        private readonly GarnetInstance _garnet = new();
        public GarnetOwner() => Redis = new RedisConnection(_garnet.ConnectionString, NullLogger<RedisConnection>.Instance, defaultTimeoutMs: RedisServiceCollectionExtensions.ControlPlaneTimeoutMs);
        public RedisConnection Redis { get; }

        public async ValueTask DisposeAsync()
        {
            await Redis.DisposeAsync();
            _garnet.Dispose();
        }
    }
}
