using Bridge.Gateway.Auth;
using Bridge.Gateway.Configuration;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Bridge.Gateway.State;

/// <summary>What a presented key turned out to be.</summary>
public readonly record struct KeyLookup(KeyLookupResult Result, VirtualKeyRecord? VirtualKey = null, MasterKeyRecord? MasterKey = null, string? Hash = null);

public enum KeyLookupResult
{
    NotFound,
    VirtualKey,
    MasterKey,
    /// <summary>Redis is unreachable and the key is not in the cache: it cannot be verified.</summary>
    Unavailable,
}

/// <summary>
/// The gateway's read side of keys: looks a presented key up by its SHA-256 in Redis (virtual keys and
/// admin-created master keys), caches the answer in-process, and drops cache entries when the Admin
/// announces a change on <c>bridge:events</c>, so a revoked key stops working everywhere within a second.
/// While Redis is unreachable, keys already cached keep working for <see cref="StaleGrace"/>; unknown keys
/// are refused.
/// <para>
/// The cache is bounded and every entry expires. Keys that exist and keys that do not are kept apart, each table
/// holding at most <see cref="GatewayOptions.KeyCacheEntries"/>: found keys for <see cref="StaleGrace"/>, missing
/// ones for <see cref="NegativeFreshFor"/>, so a flood of random keys can neither grow the process nor crowd out the
/// real ones.
/// </para>
/// </summary>
public sealed class KeyDirectory(RedisConnection redis, TimeProvider time, ILogger<KeyDirectory> logger, GatewayOptions options) : IDisposable
{
    private static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan NegativeFreshFor = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan StaleGrace = TimeSpan.FromMinutes(10);

    private readonly MemoryCache _found = new(new MemoryCacheOptions { SizeLimit = Math.Max(1, options.KeyCacheEntries), CompactionPercentage = 0.1 });
    private readonly MemoryCache _missing = new(new MemoryCacheOptions { SizeLimit = Math.Max(1, options.KeyCacheEntries), CompactionPercentage = 0.25 });

    /// <summary>Entries held now (found and not found).</summary>
    public int CachedEntries => _found.Count + _missing.Count;

    /// <summary>
    /// Whether the key is one this replica has recently found in Redis (a virtual key or an Admin-created master key,
    /// not revoked since): it can be told apart from a guess without asking Redis.
    /// </summary>
    /// <param name="hash">The key's stored form, to hand to <see cref="FindAsync"/> so it is not computed twice.</param>
    public bool IsKnownValid(string presentedKey, out string hash)
    {
        hash = SecretComparer.Hash(presentedKey);
        return redis.IsConfigured && _found.TryGetValue(hash, out CachedLookup? cached) && cached is not null
            && time.GetUtcNow() - cached.FetchedAt < StaleGrace;
    }

    /// <param name="hash">The key's stored form when the caller computed it already (<see cref="SecretComparer.Hash"/>).</param>
    public async ValueTask<KeyLookup> FindAsync(string presentedKey, CancellationToken cancellationToken, string? hash = null)
    {
        if (!redis.IsConfigured) return new KeyLookup(KeyLookupResult.NotFound);
        hash ??= SecretComparer.Hash(presentedKey);
        var now = time.GetUtcNow();
        if (_found.TryGetValue(hash, out CachedLookup? cached) && cached is not null)
        {
            if (now - cached.FetchedAt < FreshFor) return cached.Lookup;
        }
        else if (_missing.TryGetValue(hash, out CachedLookup? missing) && missing is not null && now - missing.FetchedAt < NegativeFreshFor)
        {
            return missing.Lookup;
        }

        try
        {
            var db = (await redis.DatabaseAsync())!;
            var values = await db.StringGetAsync([RedisKeys.VirtualKey(hash), RedisKeys.MasterKey(hash)]);
            var lookup = values[0].HasValue && StateJson.Deserialize<VirtualKeyRecord>(values[0]!) is { } vkey
                ? new KeyLookup(KeyLookupResult.VirtualKey, VirtualKey: vkey, Hash: hash)
                : values[1].HasValue && StateJson.Deserialize<MasterKeyRecord>(values[1]!) is { } mkey
                    ? new KeyLookup(KeyLookupResult.MasterKey, MasterKey: mkey, Hash: hash)
                    : new KeyLookup(KeyLookupResult.NotFound, Hash: hash);
            // Expiry here only bounds how long an entry is kept (system clock); freshness is judged against `time` above.
            if (lookup.Result == KeyLookupResult.NotFound)
            {
                _found.Remove(hash);
                _missing.Set(hash, new CachedLookup(lookup, now), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = NegativeFreshFor });
            }
            else
            {
                _found.Set(hash, new CachedLookup(lookup, now), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = StaleGrace });
            }
            return lookup;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            if (cached is not null && now - cached.FetchedAt < StaleGrace)
            {
                logger.LogWarning("Redis unavailable ({Error}); accepting cached key {KeyId} fetched {Age:0}s ago", ex.GetType().Name,
                    cached.Lookup.VirtualKey?.Id ?? cached.Lookup.MasterKey?.Id, (now - cached.FetchedAt).TotalSeconds);
                return cached.Lookup;
            }
            logger.LogWarning("Redis unavailable ({Error}); refusing a key that is not cached", ex.GetType().Name);
            return new KeyLookup(KeyLookupResult.Unavailable);
        }
    }

    /// <summary>Drops a cached entry (called for <c>vkey:</c>/<c>mkey:</c> events).</summary>
    public void Invalidate(string hash)
    {
        _found.Remove(hash);
        _missing.Remove(hash);
    }

    public void Dispose()
    {
        _found.Dispose();
        _missing.Dispose();
    }

    private sealed record CachedLookup(KeyLookup Lookup, DateTimeOffset FetchedAt);
}
