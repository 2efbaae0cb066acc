using System.Globalization;
using Bridge.Gateway.Auth;
using Bridge.Gateway.State;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Bridge.Gateway.Limits;

/// <summary>A refusal: status, message and when to retry.</summary>
public sealed record LimitRefusal(int StatusCode, string Message, TimeSpan? RetryAfter);

/// <summary>An admitted request: release it when the response has ended.</summary>
public sealed class Admission
{
    public static readonly Admission Unlimited = new(null, null, 0);

    internal Admission(VirtualKeyRecord? key, string? parallelKey, long unixMinute)
    {
        Key = key;
        ParallelKey = parallelKey;
        UnixMinute = unixMinute;
    }

    internal VirtualKeyRecord? Key { get; }
    internal string? ParallelKey { get; }
    internal long UnixMinute { get; }
    internal int Released;

    public long? BudgetPeriodStart { get; init; }
    /// <summary>Values for <c>x-ratelimit-*</c> response headers (null when the key has no such limit).</summary>
    public int? RemainingRequests { get; init; }
    public long? RemainingTokens { get; init; }
}

/// <summary>
/// Per-key limits counted in Redis, atomically, so every replica shares them: <c>rpm_limit</c>,
/// <c>tpm_limit</c> (tokens from real usage), <c>max_parallel_requests</c>, and <c>max_budget</c> per budget
/// period. When Redis is unreachable requests are admitted (the key itself was verified) and the log says so.
/// </summary>
public sealed class KeyLimiter(RedisConnection redis, TimeProvider time, ILogger<KeyLimiter> logger)
{
    // Checks every limit, then counts the request; one script so two replicas cannot both pass the last slot.
    private const string AdmitScript = """
        local rpm = tonumber(redis.call('GET', KEYS[1]) or '0')
        if tonumber(ARGV[1]) >= 0 and rpm >= tonumber(ARGV[1]) then return {1, rpm, 0} end
        local tpm = tonumber(redis.call('GET', KEYS[2]) or '0')
        if tonumber(ARGV[2]) >= 0 and tpm >= tonumber(ARGV[2]) then return {2, tpm, 0} end
        local spend = tonumber(redis.call('GET', KEYS[4]) or '0')
        if tonumber(ARGV[4]) >= 0 and spend >= tonumber(ARGV[4]) then return {4, spend, 0} end
        local par = tonumber(redis.call('GET', KEYS[3]) or '0')
        if tonumber(ARGV[3]) >= 0 and par >= tonumber(ARGV[3]) then return {3, par, 0} end
        redis.call('INCR', KEYS[1])
        redis.call('EXPIRE', KEYS[1], 120)
        if tonumber(ARGV[3]) >= 0 then
          redis.call('INCR', KEYS[3])
          redis.call('EXPIRE', KEYS[3], 600)
        end
        return {0, rpm + 1, tpm}
        """;

    public async Task<(Admission? Admission, LimitRefusal? Refusal)> AdmitAsync(Caller caller, CancellationToken cancellationToken)
    {
        var key = caller.VirtualKey;
        if (key is null || !redis.IsConfigured) return (Admission.Unlimited, null);
        var hasBudget = key.MaxBudgetUsd is not null;
        if (key.RpmLimit is null && key.TpmLimit is null && key.MaxParallelRequests is null && !hasBudget)
        {
            return (Admission.Unlimited, null);
        }

        var now = time.GetUtcNow();
        var minute = now.ToUnixTimeSeconds() / 60;
        var (periodStart, periodEnd) = BudgetPeriods.Current(key, now);
        var periodStartUnix = periodStart.ToUnixTimeSeconds();
        RedisKey[] keys =
        [
            RedisKeys.KeyRpm(key.Id, minute),
            RedisKeys.KeyTpm(key.Id, minute),
            RedisKeys.KeyParallel(key.Id),
            RedisKeys.Spend(key.Id, periodStartUnix),
        ];
        RedisValue[] args =
        [
            key.RpmLimit ?? -1,
            key.TpmLimit ?? -1,
            key.MaxParallelRequests ?? -1,
            hasBudget ? BudgetMicros.FromUsd(key.MaxBudgetUsd!.Value) : -1,
        ];

        RedisResult[] result;
        try
        {
            var db = (await redis.DatabaseAsync())!;
            result = (RedisResult[])(await db.ScriptEvaluateAsync(AdmitScript, keys, args))!;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning("Redis unavailable ({Error}); admitting key {KeyId} without checking its limits", ex.GetType().Name, key.Id);
            return (Admission.Unlimited, null);
        }

        var untilNextMinute = TimeSpan.FromSeconds(60 - now.ToUnixTimeSeconds() % 60);
        var outcome = (int)result[0];
        var used = (long)result[1];
        switch (outcome)
        {
            case 1:
                return (null, new LimitRefusal(429, $"Rate limit of API key '{key.KeyPrefix}' reached: {key.RpmLimit} requests per minute.", untilNextMinute));
            case 2:
                return (null, new LimitRefusal(429, $"Token limit of API key '{key.KeyPrefix}' reached: {key.TpmLimit} tokens per minute.", untilNextMinute));
            case 3:
                return (null, new LimitRefusal(429, $"API key '{key.KeyPrefix}' already has {used} request(s) in flight (max_parallel_requests {key.MaxParallelRequests}).", TimeSpan.FromSeconds(1)));
            case 4:
                var resets = periodEnd is { } end ? $"; it resets at {end.ToString("u", CultureInfo.InvariantCulture)}" : "; it does not reset";
                return (null, new LimitRefusal(429,
                    $"Budget of API key '{key.KeyPrefix}' is spent: ${used / 1_000_000m:0.######} of ${key.MaxBudgetUsd:0.######}{resets}.",
                    periodEnd is { } e ? e - now : null));
        }

        return (new Admission(key, key.MaxParallelRequests is null ? null : RedisKeys.KeyParallel(key.Id), minute)
        {
            BudgetPeriodStart = hasBudget ? periodStartUnix : null,
            RemainingRequests = key.RpmLimit is { } rpm ? (int)Math.Max(0, rpm - used) : null,
            RemainingTokens = key.TpmLimit is { } tpm ? Math.Max(0, tpm - (long)result[2]) : null,
        }, null);
    }

    /// <summary>Frees the parallel slot and counts the tokens the request really used.</summary>
    public async Task ReleaseAsync(Admission admission, long tokens)
    {
        if (admission.Key is null || Interlocked.Exchange(ref admission.Released, 1) == 1) return;
        try
        {
            var db = (await redis.DatabaseAsync())!;
            var batch = db.CreateBatch();
            var tasks = new List<Task>();
            if (admission.ParallelKey is { } parallel) tasks.Add(batch.StringDecrementAsync(parallel));
            if (admission.Key.TpmLimit is not null && tokens > 0)
            {
                var tpmKey = RedisKeys.KeyTpm(admission.Key.Id, admission.UnixMinute);
                tasks.Add(batch.StringIncrementAsync(tpmKey, tokens));
                tasks.Add(batch.KeyExpireAsync(tpmKey, TimeSpan.FromSeconds(120)));
            }
            batch.Execute();
            await Task.WhenAll(tasks);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning("Redis unavailable ({Error}); could not release limits of key {KeyId}", ex.GetType().Name, admission.Key.Id);
        }
    }
}
