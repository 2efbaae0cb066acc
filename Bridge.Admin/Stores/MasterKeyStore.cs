using Bridge.Gateway.Auth;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.State;
using StackExchange.Redis;

namespace Bridge.Admin.Stores;

/// <summary>
/// Master keys created in the admin (<c>bridge:mkey:{sha256}</c> + the <c>bridge:mkeys</c> id -> hash index).
/// The configured master key is implicit: listed, never stored, never revocable here. The last remaining master
/// key (the configured one counts) cannot be revoked.
/// </summary>
public sealed class MasterKeyStore(RedisConnection redis, BridgeConfig config, TimeProvider time) : RedisStore(redis)
{
    private bool HasConfigurationKey => config.MasterKey is not null;

    public async Task<CreatedKey<MasterKeyRecord>> CreateAsync(string name, CancellationToken cancellationToken = default)
    {
        using var activity = Diagnostics.AdminTelemetry.Start("master_key.create", name);
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length is 0 or > 100) throw new FieldValidationException("name", "name: required, at most 100 characters.");
        var db = await DatabaseAsync();
        var secret = SecretKeys.NewSecret();
        var hash = SecretComparer.Hash(secret);
        var record = new MasterKeyRecord { Id = SecretKeys.NewId("mk_"), Name = trimmed, KeyPrefix = SecretKeys.PrefixOf(secret), CreatedAt = time.GetUtcNow() };

        var tx = db.CreateTransaction();
        tx.AddCondition(Condition.HashNotExists(RedisKeys.MasterKeyIndex, record.Id));
        _ = tx.StringSetAsync(RedisKeys.MasterKey(hash), StateJson.Serialize(record));
        _ = tx.HashSetAsync(RedisKeys.MasterKeyIndex, record.Id, hash);
        if (!await tx.ExecuteAsync()) throw new InvalidOperationException("A master key with the same id already exists; try again.");
        await PublishAsync(db, RedisKeys.EventMessages.MasterKeyChanged(hash));
        return new CreatedKey<MasterKeyRecord>(record, secret);
    }

    /// <summary>The configured key first (when there is one), then the stored ones, oldest first.</summary>
    public async Task<IReadOnlyList<MasterKeyEntry>> ListAsync(CancellationToken cancellationToken = default)
    {
        var entries = new List<MasterKeyEntry>();
        if (HasConfigurationKey)
        {
            entries.Add(new MasterKeyEntry(MasterKeyEntry.ConfigurationId, $"Bootstrap key ({config.MasterKeySource ?? "configuration"})",
                SecretKeys.PrefixOf(config.MasterKey!), null, true));
        }
        var db = await DatabaseAsync();
        var index = await db.HashGetAllAsync(RedisKeys.MasterKeyIndex);
        if (index.Length == 0) return entries;
        var values = await db.StringGetAsync(index.Select(e => (RedisKey)RedisKeys.MasterKey(e.Value!)).ToArray());
        entries.AddRange(values
            .Where(v => !v.IsNullOrEmpty)
            .Select(v => StateJson.Deserialize<MasterKeyRecord>(v!))
            .OfType<MasterKeyRecord>()
            .OrderBy(r => r.CreatedAt)
            .Select(r => new MasterKeyEntry(r.Id, r.Name, r.KeyPrefix, r.CreatedAt, false)));
        return entries;
    }

    /// <summary>The stored record for a presented key, looked up by its hash; null when it is not an admin-created master key.</summary>
    public async Task<MasterKeyRecord?> FindBySecretAsync(string secret, CancellationToken cancellationToken = default)
    {
        var db = await DatabaseAsync();
        var json = await db.StringGetAsync(RedisKeys.MasterKey(SecretComparer.Hash(secret)));
        return json.IsNullOrEmpty ? null : StateJson.Deserialize<MasterKeyRecord>(json!);
    }

    /// <summary>The stored hash of master key <paramref name="id"/>, or null once it is revoked.</summary>
    public async Task<string?> HashOfAsync(string id, CancellationToken cancellationToken = default)
    {
        var db = await DatabaseAsync();
        var hash = await db.HashGetAsync(RedisKeys.MasterKeyIndex, id);
        return hash.IsNullOrEmpty ? null : (string)hash!;
    }

    public async Task<MasterKeyRevocation> RevokeAsync(string id, CancellationToken cancellationToken = default)
    {
        using var activity = Diagnostics.AdminTelemetry.Start("master_key.revoke", id);
        if (id == MasterKeyEntry.ConfigurationId) return MasterKeyRevocation.FromConfiguration;
        var db = await DatabaseAsync();
        var hash = await db.HashGetAsync(RedisKeys.MasterKeyIndex, id);
        if (hash.IsNullOrEmpty) return MasterKeyRevocation.NotFound;

        // At least one key must remain: the configured one, or another stored one (checked atomically).
        var tx = db.CreateTransaction();
        tx.AddCondition(Condition.HashEqual(RedisKeys.MasterKeyIndex, id, hash));
        if (!HasConfigurationKey) tx.AddCondition(Condition.HashLengthGreaterThan(RedisKeys.MasterKeyIndex, 1));
        _ = tx.HashDeleteAsync(RedisKeys.MasterKeyIndex, id);
        _ = tx.KeyDeleteAsync(RedisKeys.MasterKey(hash!));
        if (!await tx.ExecuteAsync())
        {
            return await db.HashExistsAsync(RedisKeys.MasterKeyIndex, id) ? MasterKeyRevocation.LastKey : MasterKeyRevocation.NotFound;
        }
        await PublishAsync(db, RedisKeys.EventMessages.MasterKeyChanged(hash!));
        return MasterKeyRevocation.Revoked;
    }
}
