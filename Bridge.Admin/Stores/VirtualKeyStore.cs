using Bridge.Gateway.Auth;
using Bridge.Gateway.State;
using StackExchange.Redis;

namespace Bridge.Admin.Stores;

/// <summary>
/// The write side of virtual keys (docs/redis-contract.md): <c>bridge:vkey:{sha256}</c> holds the record,
/// <c>bridge:vkey-id:{id}</c> the hash, <c>bridge:vkeys</c> the index. The key value is returned once at
/// creation or rotation and never stored. Every write publishes <c>vkey:{sha256}</c> so gateways drop their cache.
/// </summary>
public sealed class VirtualKeyStore(RedisConnection redis, TimeProvider time) : RedisStore(redis)
{
    private const int WriteAttempts = 5;

    public async Task<CreatedKey<VirtualKeyRecord>> CreateAsync(VirtualKeySettings settings, CancellationToken cancellationToken = default)
    {
        using var activity = Diagnostics.AdminTelemetry.Start("key.create", settings.Name);
        settings = VirtualKeySettingsValidator.Normalize(settings);
        if (settings.ExpiresAt is { } expires && expires <= time.GetUtcNow())
        {
            throw new FieldValidationException("expires_at", "expires_at: must be in the future.");
        }
        var db = await DatabaseAsync();
        var now = time.GetUtcNow();
        var secret = SecretKeys.NewSecret();
        var hash = SecretComparer.Hash(secret);
        var record = Apply(new VirtualKeyRecord { Id = SecretKeys.NewId("vk_"), KeyPrefix = SecretKeys.PrefixOf(secret), CreatedAt = now, BudgetAnchor = now }, settings, now);

        var tx = db.CreateTransaction();
        tx.AddCondition(Condition.KeyNotExists(RedisKeys.VirtualKeyById(record.Id)));
        _ = tx.StringSetAsync(RedisKeys.VirtualKey(hash), StateJson.Serialize(record));
        _ = tx.StringSetAsync(RedisKeys.VirtualKeyById(record.Id), hash);
        _ = tx.SortedSetAddAsync(RedisKeys.VirtualKeyIndex, record.Id, now.ToUnixTimeMilliseconds());
        if (!await tx.ExecuteAsync()) throw new InvalidOperationException("A key with the same id already exists; try again.");
        await PublishAsync(db, RedisKeys.EventMessages.VirtualKeyChanged(hash));
        return new CreatedKey<VirtualKeyRecord>(record, secret);
    }

    public async Task<VirtualKeyRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        var db = await DatabaseAsync();
        var hash = await db.StringGetAsync(RedisKeys.VirtualKeyById(id));
        if (hash.IsNullOrEmpty) return null;
        return await ReadAsync(db, hash!);
    }

    /// <summary>Finds a key by its value (hashed here, compared by Redis lookup of the hash).</summary>
    public async Task<VirtualKeyRecord?> FindBySecretAsync(string secret, CancellationToken cancellationToken = default)
    {
        var db = await DatabaseAsync();
        return await ReadAsync(db, SecretComparer.Hash(secret));
    }

    /// <summary>Every key, newest first.</summary>
    public async Task<IReadOnlyList<VirtualKeyRecord>> ListAsync(CancellationToken cancellationToken = default)
    {
        var db = await DatabaseAsync();
        var ids = await db.SortedSetRangeByRankAsync(RedisKeys.VirtualKeyIndex, order: Order.Descending);
        if (ids.Length == 0) return [];
        var hashes = await db.StringGetAsync(ids.Select(id => (RedisKey)RedisKeys.VirtualKeyById(id!)).ToArray());
        var present = hashes.Where(h => !h.IsNullOrEmpty).Select(h => (RedisKey)RedisKeys.VirtualKey(h!)).ToArray();
        if (present.Length == 0) return [];
        var values = await db.StringGetAsync(present);
        var records = new List<VirtualKeyRecord>(values.Length);
        foreach (var value in values)
        {
            if (!value.IsNullOrEmpty && StateJson.Deserialize<VirtualKeyRecord>(value!) is { } record) records.Add(record);
        }
        return records;
    }

    /// <summary>
    /// Case-insensitive match on name, owner, id or shown prefix; a whole key value finds its own record by hash.
    /// An empty query returns everything.
    /// </summary>
    public async Task<IReadOnlyList<VirtualKeyRecord>> SearchAsync(string? query, CancellationToken cancellationToken = default)
    {
        var text = query?.Trim() ?? "";
        if (text.Length == 0) return await ListAsync(cancellationToken);
        if (SecretKeys.LooksLikeKey(text))
        {
            return await FindBySecretAsync(text, cancellationToken) is { } found ? [found] : [];
        }
        var prefix = text.EndsWith("...", StringComparison.Ordinal) ? text[..^3] : text;
        var all = await ListAsync(cancellationToken);
        return all.Where(k => Contains(k.Name, text) || Contains(k.Owner, text) || Contains(k.Id, text)
            || k.KeyPrefix.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).ToList();
    }

    /// <summary>Replaces the key's settings; id, value, history and budget anchor stay (a new duration restarts the period).</summary>
    public Task<VirtualKeyRecord?> UpdateAsync(string id, VirtualKeySettings settings, CancellationToken cancellationToken = default)
    {
        settings = VirtualKeySettingsValidator.Normalize(settings);
        return ChangeAsync(id, (record, now) => Apply(record, settings, now), cancellationToken);
    }

    public Task<VirtualKeyRecord?> SetBlockedAsync(string id, bool blocked, CancellationToken cancellationToken = default) =>
        ChangeAsync(id, (record, now) => record with { Blocked = blocked, UpdatedAt = now }, cancellationToken);

    /// <summary>Deletes the record, the id lookup and the index entry; gateways refuse the key once the notice arrives.</summary>
    public async Task<bool> RevokeAsync(string id, CancellationToken cancellationToken = default)
    {
        using var activity = Diagnostics.AdminTelemetry.Start("key.revoke", id);
        var db = await DatabaseAsync();
        var hash = await db.StringGetAsync(RedisKeys.VirtualKeyById(id));
        if (hash.IsNullOrEmpty) return false;
        var tx = db.CreateTransaction();
        _ = tx.KeyDeleteAsync([RedisKeys.VirtualKey(hash!), RedisKeys.VirtualKeyById(id)]);
        _ = tx.SortedSetRemoveAsync(RedisKeys.VirtualKeyIndex, id);
        await tx.ExecuteAsync();
        await PublishAsync(db, RedisKeys.EventMessages.VirtualKeyChanged(hash!));
        return true;
    }

    /// <summary>
    /// A new value for the same key: the record (id, settings, budget anchor; usage is counted by id) moves to the
    /// new hash and the old hash is deleted, then <c>vkey:{oldHash}</c> is published so caches drop the old value.
    /// </summary>
    public async Task<CreatedKey<VirtualKeyRecord>?> RotateAsync(string id, CancellationToken cancellationToken = default)
    {
        using var activity = Diagnostics.AdminTelemetry.Start("key.rotate", id);
        var db = await DatabaseAsync();
        for (var attempt = 0; attempt < WriteAttempts; attempt++)
        {
            var oldHash = await db.StringGetAsync(RedisKeys.VirtualKeyById(id));
            if (oldHash.IsNullOrEmpty) return null;
            if (await ReadAsync(db, oldHash!) is not { } current) return null;

            var secret = SecretKeys.NewSecret();
            var newHash = SecretComparer.Hash(secret);
            var rotated = current with { KeyPrefix = SecretKeys.PrefixOf(secret), UpdatedAt = time.GetUtcNow() };
            var tx = db.CreateTransaction();
            tx.AddCondition(Condition.StringEqual(RedisKeys.VirtualKeyById(id), oldHash));
            _ = tx.StringSetAsync(RedisKeys.VirtualKey(newHash), StateJson.Serialize(rotated));
            _ = tx.StringSetAsync(RedisKeys.VirtualKeyById(id), newHash);
            _ = tx.KeyDeleteAsync(RedisKeys.VirtualKey(oldHash!));
            if (!await tx.ExecuteAsync()) continue;
            await PublishAsync(db, RedisKeys.EventMessages.VirtualKeyChanged(oldHash!));
            return new CreatedKey<VirtualKeyRecord>(rotated, secret);
        }
        throw new InvalidOperationException($"Key {id} changed concurrently; try again.");
    }

    /// <summary>Micro-dollars spent in the key's current budget period (<c>bridge:spend:{id}:{periodStart}</c>).</summary>
    public async Task<long> CurrentSpendMicrosAsync(VirtualKeyRecord record, CancellationToken cancellationToken = default)
    {
        var db = await DatabaseAsync();
        var (start, _) = BudgetPeriods.Current(record, time.GetUtcNow());
        var value = await db.StringGetAsync(RedisKeys.Spend(record.Id, start.ToUnixTimeSeconds()));
        return value.TryParse(out long micros) ? micros : 0;
    }

    private async Task<VirtualKeyRecord?> ChangeAsync(string id, Func<VirtualKeyRecord, DateTimeOffset, VirtualKeyRecord> change, CancellationToken cancellationToken)
    {
        var db = await DatabaseAsync();
        for (var attempt = 0; attempt < WriteAttempts; attempt++)
        {
            var hash = await db.StringGetAsync(RedisKeys.VirtualKeyById(id));
            if (hash.IsNullOrEmpty) return null;
            var key = RedisKeys.VirtualKey(hash!);
            var json = await db.StringGetAsync(key);
            if (json.IsNullOrEmpty || StateJson.Deserialize<VirtualKeyRecord>(json!) is not { } current) return null;

            var updated = change(current, time.GetUtcNow());
            var tx = db.CreateTransaction();
            tx.AddCondition(Condition.StringEqual(RedisKeys.VirtualKeyById(id), hash));
            tx.AddCondition(Condition.StringEqual(key, json));
            _ = tx.StringSetAsync(key, StateJson.Serialize(updated));
            if (!await tx.ExecuteAsync()) continue;
            await PublishAsync(db, RedisKeys.EventMessages.VirtualKeyChanged(hash!));
            return updated;
        }
        throw new InvalidOperationException($"Key {id} changed concurrently; try again.");
    }

    private static VirtualKeyRecord Apply(VirtualKeyRecord record, VirtualKeySettings settings, DateTimeOffset now) => record with
    {
        Name = settings.Name,
        Owner = settings.Owner,
        Models = settings.Models,
        Aliases = settings.Aliases,
        MaxBudgetUsd = settings.MaxBudgetUsd,
        BudgetDuration = settings.BudgetDuration,
        BudgetAnchor = settings.BudgetDuration == record.BudgetDuration ? record.BudgetAnchor : now,
        RpmLimit = settings.RpmLimit,
        TpmLimit = settings.TpmLimit,
        MaxParallelRequests = settings.MaxParallelRequests,
        ExpiresAt = settings.ExpiresAt,
        Metadata = settings.Metadata,
        Blocked = settings.Blocked,
        UpdatedAt = now,
    };

    private static async Task<VirtualKeyRecord?> ReadAsync(IDatabase db, string hash)
    {
        var json = await db.StringGetAsync(RedisKeys.VirtualKey(hash));
        return json.IsNullOrEmpty ? null : StateJson.Deserialize<VirtualKeyRecord>(json!);
    }

    private static bool Contains(string? value, string text) => value is not null && value.Contains(text, StringComparison.OrdinalIgnoreCase);
}
