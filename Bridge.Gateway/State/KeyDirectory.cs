using System.Collections.Concurrent;
using Bridge.Gateway.Auth;
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
/// </summary>
public sealed class KeyDirectory(RedisConnection redis, TimeProvider time, ILogger<KeyDirectory> logger)
{
    private static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan NegativeFreshFor = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan StaleGrace = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, (KeyLookup Lookup, DateTimeOffset FetchedAt)> _cache = new(StringComparer.Ordinal);

    public async ValueTask<KeyLookup> FindAsync(string presentedKey, CancellationToken cancellationToken)
    {
        if (!redis.IsConfigured) return new KeyLookup(KeyLookupResult.NotFound);
        var hash = SecretComparer.Hash(presentedKey);
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(hash, out var cached))
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
            _cache[hash] = (lookup, now);
            return lookup;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            if (cached.Lookup.Result is KeyLookupResult.VirtualKey or KeyLookupResult.MasterKey && now - cached.FetchedAt < StaleGrace)
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
    public void Invalidate(string hash) => _cache.TryRemove(hash, out _);
}
