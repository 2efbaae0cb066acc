using System.Collections.Concurrent;
using Bridge.Gateway.State;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Bridge.Gateway.Sessions;

/// <summary>
/// Which deployment of a model group a session is pinned to, so its turns reach the deployment that holds its
/// prompt prefix in cache. Shared by every replica through Redis (<c>bridge:affinity:{hash}</c>, a sliding
/// <see cref="Ttl"/>); without Redis configured, kept in this process. Affinity is an optimisation: when Redis is
/// configured but unreachable, lookups answer "no pin" and the group's strategy routes as usual.
/// </summary>
public sealed class SessionAffinity
{
    /// <summary>How long a pin outlives its session's last request (sliding).</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromHours(1);

    /// <summary>Bounds the in-process map (no Redis): past this, expired pins are swept, then the oldest half go.</summary>
    internal const int MaxLocalPins = 100_000;

    // The pin, its expiry slid forward on each read.
    private const string GetScript = """
        local v = redis.call('GET', KEYS[1])
        if v then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
        return v
        """;

    // Compare-and-set: pins ARGV[1] only if the pin is still what this replica saw (ARGV[2], '' for none) or has
    // expired meanwhile; returns the pin in force afterwards. Two replicas that pick at once agree on one deployment.
    private const string PinScript = """
        local v = redis.call('GET', KEYS[1])
        if (not v) or v == ARGV[2] then
          redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
          return ARGV[1]
        end
        redis.call('EXPIRE', KEYS[1], ARGV[3])
        return v
        """;

    private readonly ConcurrentDictionary<string, (string Deployment, DateTimeOffset Expires)> _local = new(StringComparer.Ordinal);
    private readonly RedisConnection _redis;
    private readonly TimeProvider _time;
    private readonly ILogger<SessionAffinity> _logger;
    private long _lastWarningTicks;

    public SessionAffinity(RedisConnection redis, TimeProvider time, ILogger<SessionAffinity> logger)
    {
        _redis = redis;
        _time = time;
        _logger = logger;
    }

    /// <summary>Pins held in this process (no Redis configured).</summary>
    internal int LocalCount => _local.Count;

    /// <summary>The deployment the session is pinned to in <paramref name="group"/>, or null.</summary>
    public async Task<string?> GetAsync(SessionKey session, string group)
    {
        var key = RedisKeys.Affinity(session.AffinityHash(group));
        if (!_redis.IsConfigured) return GetLocal(key);
        if (await DatabaseAsync() is not { } db) return null;
        try
        {
            var value = await db.ScriptEvaluateAsync(GetScript, [key], [(long)Ttl.TotalSeconds]);
            return value.IsNull ? null : (string?)value;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Warn(ex);
            return null;
        }
    }

    /// <summary>
    /// Pins the session to <paramref name="deployment"/> unless another request moved it away from
    /// <paramref name="seen"/> first; returns the pin in force (null if Redis could not be asked).
    /// </summary>
    public async Task<string?> PinAsync(SessionKey session, string group, string deployment, string? seen)
    {
        var key = RedisKeys.Affinity(session.AffinityHash(group));
        if (!_redis.IsConfigured) return PinLocal(key, deployment, seen);
        if (await DatabaseAsync() is not { } db) return null;
        try
        {
            var value = await db.ScriptEvaluateAsync(PinScript, [key], [deployment, seen ?? "", (long)Ttl.TotalSeconds]);
            return value.IsNull ? null : (string?)value;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Warn(ex);
            return null;
        }
    }

    private async Task<IDatabase?> DatabaseAsync()
    {
        try
        {
            // Not connected (Redis down, reconnecting): do not wait out a command timeout for an optimisation.
            return await _redis.GetAsync() is { IsConnected: true } multiplexer ? multiplexer.GetDatabase() : null;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Warn(ex);
            return null;
        }
    }

    private string? GetLocal(string key)
    {
        var now = _time.GetUtcNow();
        if (!_local.TryGetValue(key, out var pin)) return null;
        if (pin.Expires <= now)
        {
            _local.TryRemove(new KeyValuePair<string, (string, DateTimeOffset)>(key, pin));
            return null;
        }
        _local.TryUpdate(key, (pin.Deployment, now + Ttl), pin);
        return pin.Deployment;
    }

    private string PinLocal(string key, string deployment, string? seen)
    {
        var now = _time.GetUtcNow();
        if (_local.Count >= MaxLocalPins) Sweep(now);
        var pin = _local.AddOrUpdate(key, _ => (deployment, now + Ttl),
            (_, current) => current.Expires <= now || current.Deployment == seen ? (deployment, now + Ttl) : current with { Expires = now + Ttl });
        return pin.Deployment;
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, pin) in _local)
        {
            if (pin.Expires <= now) _local.TryRemove(key, out _);
        }
        if (_local.Count < MaxLocalPins) return;
        // Still full of live pins: drop those closest to expiry (least recently used), half of them.
        foreach (var (key, _) in _local.OrderBy(p => p.Value.Expires).Take(_local.Count / 2).ToList()) _local.TryRemove(key, out _);
    }

    private void Warn(Exception ex)
    {
        // At most one line every 10 s: a Redis outage would otherwise log once per request.
        var now = _time.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref _lastWarningTicks);
        if (now - last < TimeSpan.TicksPerSecond * 10 || Interlocked.CompareExchange(ref _lastWarningTicks, now, last) != last) return;
        _logger.LogWarning("Redis unavailable ({Error}); sessions are routed by the group's strategy until it is back", ex.GetType().Name);
    }
}
