using Bridge.Gateway.Configuration;
using Bridge.Gateway.Models.Stored;
using Bridge.Gateway.State;
using StackExchange.Redis;

namespace Bridge.Admin.Stores;

/// <summary>
/// The global alias map in <c>bridge:aliases</c> (alias -> model group). Seeded once from the config's
/// <c>model_alias_map</c> (guarded by <c>bridge:aliases:seeded</c>), then edited here; every change publishes
/// <c>aliases</c> so gateways reload within a second. A target is a model of the config or one added at runtime
/// (<paramref name="models"/>): gateways resolve an alias against their current deployments on every request.
/// </summary>
public sealed class AliasStore(RedisConnection redis, BridgeConfig config, StoredModelStore? models = null) : RedisStore(redis)
{
    private volatile bool _seeded;

    /// <summary>Copies the config's aliases in unless some admin did so before; returns true when this call seeded.</summary>
    public async Task<bool> EnsureSeededAsync(CancellationToken cancellationToken = default)
    {
        if (_seeded) return false;
        var db = await DatabaseAsync();
        var tx = db.CreateTransaction();
        tx.AddCondition(Condition.KeyNotExists(RedisKeys.AliasesSeeded));
        _ = tx.StringSetAsync(RedisKeys.AliasesSeeded, "1");
        if (config.Aliases.Count > 0)
        {
            _ = tx.HashSetAsync(RedisKeys.Aliases, config.Aliases.Select(a => new HashEntry(a.Key, a.Value)).ToArray());
        }
        var seeded = await tx.ExecuteAsync();
        _seeded = true;
        if (seeded) await PublishAsync(db, RedisKeys.EventMessages.AliasesChanged);
        return seeded;
    }

    /// <summary>Alias -> target, sorted by alias.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ListAsync(CancellationToken cancellationToken = default)
    {
        await EnsureSeededAsync(cancellationToken);
        var db = await DatabaseAsync();
        var entries = await db.HashGetAllAsync(RedisKeys.Aliases);
        return new SortedDictionary<string, string>(entries.ToDictionary(e => (string)e.Name!, e => (string)e.Value!), StringComparer.Ordinal);
    }

    /// <summary>Adds or changes an alias. The target must be a model from the config; an alias may not shadow a model name.</summary>
    public async Task SetAsync(string alias, string target, CancellationToken cancellationToken = default)
    {
        using var activity = Diagnostics.AdminTelemetry.Start("alias.set", alias);
        alias = alias?.Trim() ?? "";
        target = target?.Trim() ?? "";
        if (alias.Length is 0 or > 200 || alias.Any(char.IsWhiteSpace))
        {
            throw new FieldValidationException("alias", "alias: required, without spaces, at most 200 characters.");
        }
        var known = (await ModelNamesAsync()).ToHashSet(StringComparer.Ordinal);
        if (known.Contains(alias)) throw new FieldValidationException("alias", $"alias: '{alias}' is already a model name; a model name always wins over an alias.");
        if (!known.Contains(target))
        {
            throw new FieldValidationException("target", $"target: '{target}' is not a model in the config or added at runtime (known: {string.Join(", ", known.Order(StringComparer.Ordinal))}).");
        }
        await EnsureSeededAsync(cancellationToken);
        var db = await DatabaseAsync();
        await db.HashSetAsync(RedisKeys.Aliases, alias, target);
        await PublishAsync(db, RedisKeys.EventMessages.AliasesChanged);
    }

    /// <summary>The model names an alias may point at, sorted: the config's and those added at runtime (disabled ones too).</summary>
    public async Task<IReadOnlyList<string>> ModelNamesAsync()
    {
        var names = new SortedSet<string>(config.ModelNames, StringComparer.Ordinal);
        if (models is not null) names.UnionWith((await models.ListAsync()).Select(m => m.ModelName));
        return names.ToList();
    }

    public async Task<bool> DeleteAsync(string alias, CancellationToken cancellationToken = default)
    {
        using var activity = Diagnostics.AdminTelemetry.Start("alias.delete", alias);
        await EnsureSeededAsync(cancellationToken);
        var db = await DatabaseAsync();
        var deleted = await db.HashDeleteAsync(RedisKeys.Aliases, alias);
        if (deleted) await PublishAsync(db, RedisKeys.EventMessages.AliasesChanged);
        return deleted;
    }
}
