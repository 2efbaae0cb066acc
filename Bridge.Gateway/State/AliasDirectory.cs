using Bridge.Gateway.Models;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Bridge.Gateway.State;

/// <summary>
/// Loads the Admin's alias map (<c>bridge:aliases</c>) into the catalog; reloaded on every <c>aliases</c> event.
/// Once the Admin has seeded it from the config (<c>bridge:aliases:seeded</c>), it is the whole alias map.
/// </summary>
public sealed class AliasDirectory(RedisConnection redis, ModelCatalog catalog, ILogger<AliasDirectory> logger)
{
    // Reloads run one at a time: two notices in quick succession would otherwise start two reads, and the
    // older read finishing last would put a stale map in place until the next notice.
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task ReloadAsync()
    {
        var db = await redis.DatabaseAsync();
        if (db is null) return;
        await _gate.WaitAsync();
        try
        {
            var entries = await db.HashGetAllAsync(RedisKeys.Aliases);
            var seeded = await db.KeyExistsAsync(RedisKeys.AliasesSeeded);
            var aliases = entries.ToDictionary(e => (string)e.Name!, e => (string)e.Value!, StringComparer.Ordinal);
            catalog.SetAliasOverlay(aliases, isWholeMap: seeded);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning("Could not reload aliases from Redis ({Error}); keeping the current ones", ex.GetType().Name);
        }
        finally
        {
            _gate.Release();
        }
    }
}
