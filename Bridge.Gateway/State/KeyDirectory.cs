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
/// The cache is bounded (<see cref="GatewayOptions.KeyCacheEntries"/>) and every entry expires: keys that exist for
/// <see cref="StaleGrace"/>, keys that do not for <see cref="NegativeFreshFor"/>. When it is full, keys that do not exist
/// go first, so a flood of random keys cannot push the real ones out or grow the process.
/// </para>
/// </summary>
public sealed class KeyDirectory(RedisConnection redis, TimeProvider time, ILogger<KeyDirectory> logger, GatewayOptions options) : IDisposable
{
    private static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan NegativeFreshFor = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan StaleGrace = TimeSpan.FromMinutes(10);

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = Math.Max(1, options.KeyCacheEntries), CompactionPercentage = 0.25 });

    /// <summary>Entries held now (found and not found).</summary>
    public int CachedEntries => _cache.Count;

    public async ValueTask<KeyLookup> FindAsync(string presentedKey, CancellationToken cancellationToken)
    {
        if (!redis.IsConfigured) return new KeyLookup(KeyLookupResult.NotFound);
        var hash = SecretComparer.Hash(presentedKey);
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(hash, out CachedLookup? cached) && cached is not null)
        {
            var freshFor = cached.Lookup.Result == KeyLookupResult.NotFound ? NegativeFreshFor : FreshFor;
            if (now - cached.FetchedAt < freshFor) return cached.Lookup;
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
            var found = lookup.Result != KeyLookupResult.NotFound;
            // Expiry here only bounds how long an entry is kept (system clock); freshness is judged against `time` above.
            _cache.Set(hash, new CachedLookup(lookup, now), new MemoryCacheEntryOptions
            {
                Size = 1,
                Priority = found ? CacheItemPriority.High : CacheItemPriority.Low,
                AbsoluteExpirationRelativeToNow = found ? StaleGrace : NegativeFreshFor,
            });
            return lookup;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            if (cached is not null && cached.Lookup.Result is KeyLookupResult.VirtualKey or KeyLookupResult.MasterKey && now - cached.FetchedAt < StaleGrace)
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
    public void Invalidate(string hash) => _cache.Remove(hash);

    public void Dispose() => _cache.Dispose();

    private sealed record CachedLookup(KeyLookup Lookup, DateTimeOffset FetchedAt);
}
