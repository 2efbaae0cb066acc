using System.Globalization;
using Bridge.Gateway.Auth;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.State;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Bridge.Gateway.Limits;

/// <summary>
/// Per-key limits counted in Redis, atomically, so every replica shares them: <c>rpm_limit</c>,
/// <c>tpm_limit</c> (tokens from real usage, counted in the minute the request ends), <c>max_parallel_requests</c>
/// (one lease per request in flight, expiring on its own unless renewed, so a lost release or a crashed replica
/// cannot leak a slot), and <c>max_budget</c> per budget period (each request holds its worst-case cost until it
/// ends, so parallel requests cannot all slip under the budget). While Redis is unreachable,
/// <c>Bridge:LimitsWhenRedisDown</c> decides: <c>local</c> counts each limit on this replica alone, <c>deny</c>
/// refuses keys that have limits.
/// </summary>
public sealed class KeyLimiter(RedisConnection redis, TimeProvider time, GatewayOptions options, ILogger<KeyLimiter> logger)
{
    private readonly LocalKeyLimits _local = new();

    /// <summary>How long a lease lives unless renewed: a request whose replica died stops counting after this.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(60);
    /// <summary>How often a running request renews its lease.</summary>
    public static readonly TimeSpan LeaseRenewal = TimeSpan.FromSeconds(20);
    // Lease and reservation keys outlive their newest lease a little, then Redis drops them when idle.
    private static readonly long LeaseKeyTtlMs = (long)(LeaseDuration * 2).TotalMilliseconds;

    // Drops expired leases (and their reservations), checks every limit, then counts the request; one script so
    // two replicas cannot both pass the last slot. ARGV: 1 rpm, 2 tpm, 3 parallel, 4 budget (-1 = none), 5 now (ms),
    // 6 lease expiry (ms), 7 request id, 8 worst-case cost (micro-dollars), 9 TTL of the lease keys (ms),
    // 10 '1' to check only (nothing counted: the look before a large body is read).
    private const string AdmitScript = """
        local parLimit = tonumber(ARGV[3])
        local budget = tonumber(ARGV[4])
        local leased = parLimit >= 0 or budget >= 0
        if leased then
          local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[5])
          for _, id in ipairs(expired) do
            redis.call('ZREM', KEYS[3], id)
            redis.call('HDEL', KEYS[5], id)
          end
        end
        local rpm = tonumber(redis.call('GET', KEYS[1]) or '0')
        if tonumber(ARGV[1]) >= 0 and rpm >= tonumber(ARGV[1]) then return {1, rpm, 0} end
        local tpm = tonumber(redis.call('GET', KEYS[2]) or '0')
        if tonumber(ARGV[2]) >= 0 and tpm >= tonumber(ARGV[2]) then return {2, tpm, 0} end
        local spend = 0
        if budget >= 0 then
          spend = tonumber(redis.call('GET', KEYS[4]) or '0')
          local held = 0
          for _, v in ipairs(redis.call('HVALS', KEYS[5])) do held = held + tonumber(v) end
          if spend + held >= budget then return {4, spend, held} end
        end
        if parLimit >= 0 then
          local par = redis.call('ZCARD', KEYS[3])
          if par >= parLimit then return {3, par, 0} end
        end
        if ARGV[10] == '1' then return {0, rpm, tpm, spend} end
        redis.call('INCR', KEYS[1])
        redis.call('EXPIRE', KEYS[1], 120)
        if leased then
          redis.call('ZADD', KEYS[3], ARGV[6], ARGV[7])
          redis.call('PEXPIRE', KEYS[3], ARGV[9])
          if budget >= 0 then
            redis.call('HSET', KEYS[5], ARGV[7], ARGV[8])
            redis.call('PEXPIRE', KEYS[5], ARGV[9])
          end
        end
        return {0, rpm + 1, tpm, spend}
        """;

    // Pushes a running request's lease forward; a lease already released (or pruned) is not brought back.
    private const string RenewScript = """
        if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
          redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
          redis.call('PEXPIRE', KEYS[1], ARGV[3])
          if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
          return 1
        end
        return 0
        """;

    // Ends a budgeted request's hold and adds its real cost to the period's spend in one step, so that at no moment
    // neither counts it (the usage writer, which adds spend otherwise, may run later). KEYS: hold, spend.
    // ARGV: 1 request id, 2 real cost (micro-dollars), 3 TTL of the spend key (s).
    private const string SettleScript = """
        redis.call('HDEL', KEYS[1], ARGV[1])
        if tonumber(ARGV[2]) > 0 then
          redis.call('INCRBY', KEYS[2], ARGV[2])
          redis.call('EXPIRE', KEYS[2], ARGV[3])
        end
        return 1
        """;

    /// <summary>How long a period's spend counter is kept (as the usage writer keeps it).</summary>
    private static readonly long SpendTtlSeconds = (long)TimeSpan.FromDays(400).TotalSeconds;

    /// <param name="requestId">Names the request's lease and reservation.</param>
    /// <param name="worstCaseMicros">The most the request can cost (its <c>max_tokens</c> at the deployment's price),
    /// held against the key's budget until it ends; only read when the key has a budget.</param>
    public Task<(Admission? Admission, LimitRefusal? Refusal)> AdmitAsync(Caller caller, string requestId, long worstCaseMicros, CancellationToken cancellationToken) =>
        AdmitAsync(caller, requestId, worstCaseMicros, checkOnly: false);

    /// <summary>Bodies above this size are not read for a key that is already at one of its limits.</summary>
    public const long LargeBodyBytes = 1024 * 1024;

    /// <summary>
    /// Whether the key is already at one of its limits, counting nothing: asked before a large body is read, so a key
    /// at its parallel, rate or budget limit cannot make the gateway hold megabytes only to refuse them. Null when the
    /// key may go on (or Redis cannot tell: the admission after the body decides then).
    /// </summary>
    public async Task<LimitRefusal?> PrecheckAsync(Caller caller)
    {
        var (_, refusal) = await AdmitAsync(caller, "precheck", 0, checkOnly: true);
        return refusal;
    }

    private async Task<(Admission? Admission, LimitRefusal? Refusal)> AdmitAsync(Caller caller, string requestId, long worstCaseMicros, bool checkOnly)
    {
        var key = caller.VirtualKey;
        if (key is null || !redis.IsConfigured) return (Admission.Unlimited, null);
        var hasBudget = key.MaxBudgetUsd is not null;
        var leased = hasBudget || key.MaxParallelRequests is not null;
        if (key.RpmLimit is null && key.TpmLimit is null && !leased)
        {
            return (Admission.Unlimited, null);
        }

        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var minute = now.ToUnixTimeSeconds() / 60;
        var (periodStart, periodEnd) = BudgetPeriods.Current(key, now);
        var periodStartUnix = periodStart.ToUnixTimeSeconds();
        var leaseKey = RedisKeys.KeyLeases(key.Id);
        var holdKey = RedisKeys.KeyHolds(key.Id);
        RedisKey[] keys =
        [
            RedisKeys.KeyRpm(key.Id, minute),
            RedisKeys.KeyTpm(key.Id, minute),
            leaseKey,
            RedisKeys.Spend(key.Id, periodStartUnix),
            holdKey,
        ];
        var reserved = hasBudget ? Math.Max(0, worstCaseMicros) : 0;
        var budgetMicros = hasBudget ? BudgetMicros.FromUsd(key.MaxBudgetUsd!.Value) : -1;
        RedisValue[] args =
        [
            key.RpmLimit ?? -1,
            key.TpmLimit ?? -1,
            key.MaxParallelRequests ?? -1,
            budgetMicros,
            nowMs,
            nowMs + (long)LeaseDuration.TotalMilliseconds,
            requestId,
            reserved,
            LeaseKeyTtlMs,
            checkOnly ? "1" : "0",
        ];

        RedisResult[] result;
        try
        {
            var db = (await redis.DatabaseAsync())!;
            result = (RedisResult[])(await db.ScriptEvaluateAsync(AdmitScript, keys, args))!;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            if (checkOnly) return (null, null);
            return WhileRedisIsDown(ex, key, requestId, now, minute, periodStartUnix, periodEnd, budgetMicros);
        }

        var outcome = (int)result[0];
        var used = (long)result[1];
        if (outcome != 0) return (null, Refuse(key, outcome, used, (long)result[2], now, periodEnd, budgetMicros));
        if (checkOnly) return (null, null);
        if (hasBudget) _local.SpendSeen(key.Id, periodStartUnix, (long)result[3]);

        var admission = new Admission(key, requestId, leased ? leaseKey : null, hasBudget ? holdKey : null, reserved)
        {
            BudgetPeriodStart = hasBudget ? periodStartUnix : null,
            SpendMicros = hasBudget ? (long)result[3] : null,
            RemainingRequests = key.RpmLimit is { } rpm ? (int)Math.Max(0, rpm - used) : null,
            RemainingTokens = key.TpmLimit is { } tpm ? Math.Max(0, tpm - (long)result[2]) : null,
        };
        if (leased) admission.Renewal = time.CreateTimer(static state => _ = ((Renewing)state!).RunAsync(), new Renewing(this, admission), LeaseRenewal, LeaseRenewal);
        return (admission, null);
    }

    /// <summary>Redis did not answer: refuse (<c>deny</c>) or count on this replica alone (<c>local</c>).</summary>
    private (Admission? Admission, LimitRefusal? Refusal) WhileRedisIsDown(Exception ex, VirtualKeyRecord key, string requestId,
        DateTimeOffset now, long minute, long periodStartUnix, DateTimeOffset? periodEnd, long budgetMicros)
    {
        if (options.LimitsWhenRedisDown == RedisDownLimits.Deny)
        {
            logger.LogWarning("Redis unavailable ({Error}); refusing key {KeyId}: its limits cannot be checked (Bridge:LimitsWhenRedisDown=deny)", ex.GetType().Name, key.Id);
            return (null, new LimitRefusal(503,
                $"The limits of API key '{key.KeyPrefix}' cannot be checked while the gateway's store is unavailable; try again shortly.", TimeSpan.FromSeconds(5)));
        }
        logger.LogWarning("Redis unavailable ({Error}); counting the limits of key {KeyId} on this replica only", ex.GetType().Name, key.Id);
        var (outcome, used) = _local.TryAdmit(key, minute, periodStartUnix, budgetMicros);
        if (outcome != 0) return (null, Refuse(key, outcome, used, 0, now, periodEnd, budgetMicros));
        return (new Admission(key, requestId, null, null, 0)
        {
            Local = true,
            BudgetPeriodStart = budgetMicros >= 0 ? periodStartUnix : null,
            RemainingRequests = key.RpmLimit is { } rpm ? (int)Math.Max(0, rpm - used) : null,
        }, null);
    }

    /// <summary>The refusal for an admit outcome: 1 rpm, 2 tpm, 3 parallel, 4 budget (spent, or held by requests in flight).</summary>
    private static LimitRefusal Refuse(VirtualKeyRecord key, int outcome, long used, long held, DateTimeOffset now, DateTimeOffset? periodEnd, long budgetMicros)
    {
        var untilNextMinute = TimeSpan.FromSeconds(60 - now.ToUnixTimeSeconds() % 60);
        switch (outcome)
        {
            case 1:
                return new LimitRefusal(429, $"Rate limit of API key '{key.KeyPrefix}' reached: {key.RpmLimit} requests per minute.", untilNextMinute);
            case 2:
                return new LimitRefusal(429, $"Token limit of API key '{key.KeyPrefix}' reached: {key.TpmLimit} tokens per minute.", untilNextMinute);
            case 3:
                return new LimitRefusal(429, $"API key '{key.KeyPrefix}' already has {used} request(s) in flight (max_parallel_requests {key.MaxParallelRequests}).", TimeSpan.FromSeconds(1));
            default:
                var resets = periodEnd is { } end ? $"; it resets at {end.ToString("u", CultureInfo.InvariantCulture)}" : "; it does not reset";
                var inFlight = held > 0 ? $" (${held / 1_000_000m:0.######} of it held by requests in flight until they end)" : "";
                return new LimitRefusal(429,
                    $"Budget of API key '{key.KeyPrefix}' is spent: ${(used + held) / 1_000_000m:0.######}{inFlight} of ${key.MaxBudgetUsd:0.######}{resets}.",
                    // Spent: wait for the next period. Only held: the requests in flight may end well under their worst case.
                    used < budgetMicros ? TimeSpan.FromSeconds(1) : periodEnd is { } e ? e - now : null);
        }
    }

    /// <summary>Pushes the request's lease <see cref="LeaseDuration"/> past now; false if it was no longer held.</summary>
    public async Task<bool> RenewAsync(Admission admission)
    {
        if (admission.LeaseKey is not { } leaseKey || Volatile.Read(ref admission.Released) == 1) return false;
        try
        {
            var db = (await redis.DatabaseAsync())!;
            var until = time.GetUtcNow().ToUnixTimeMilliseconds() + (long)LeaseDuration.TotalMilliseconds;
            var renewed = await db.ScriptEvaluateAsync(RenewScript,
                [leaseKey, admission.HoldKey ?? RedisKeys.KeyHolds(admission.Key!.Id)], [admission.RequestId, until, LeaseKeyTtlMs]);
            return (int)renewed == 1;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning("Redis unavailable ({Error}); could not renew the lease of a request of key {KeyId}", ex.GetType().Name, admission.Key!.Id);
            return false;
        }
    }

    /// <summary>
    /// Frees the request's lease and budget reservation, and counts the tokens it really used in the minute they
    /// landed (a stream that crossed a minute counts in the minute it ended, where admission will read it).
    /// Its real cost reaches the budget through the usage record.
    /// </summary>
    /// <param name="costMicros">Its real cost: only counted here for a request admitted on this replica's own
    /// counters while Redis was down (otherwise the usage record carries it to Redis).</param>
    /// <summary>
    /// Frees the request's lease, counts its tokens in this minute, and for a budgeted key settles its real cost against
    /// the budget in the same step that ends its hold. Returns true when the cost was settled here (then the usage
    /// record must not add it again); false when it was not (Redis unreachable, no budget), and the usage record carries it.
    /// </summary>
    public async Task<bool> ReleaseAsync(Admission admission, long tokens, long costMicros = 0)
    {
        if (admission.Key is null || Interlocked.Exchange(ref admission.Released, 1) == 1) return false;
        admission.Renewal?.Dispose();
        if (admission.Local)
        {
            _local.Release(admission.Key.Id, time.GetUtcNow().ToUnixTimeSeconds() / 60, tokens, costMicros);
            return false;
        }
        try
        {
            var db = (await redis.DatabaseAsync())!;
            var batch = db.CreateBatch();
            var tasks = new List<Task>(4);
            var settles = admission.HoldKey is not null && admission.BudgetPeriodStart is not null;
            if (admission.LeaseKey is { } lease) tasks.Add(batch.SortedSetRemoveAsync(lease, admission.RequestId));
            if (settles)
            {
                tasks.Add(batch.ScriptEvaluateAsync(SettleScript,
                    [admission.HoldKey!, RedisKeys.Spend(admission.Key.Id, admission.BudgetPeriodStart!.Value)],
                    [admission.RequestId, Math.Max(0, costMicros), SpendTtlSeconds]));
            }
            if (admission.Key.TpmLimit is not null && tokens > 0)
            {
                var tpmKey = RedisKeys.KeyTpm(admission.Key.Id, time.GetUtcNow().ToUnixTimeSeconds() / 60);
                tasks.Add(batch.StringIncrementAsync(tpmKey, tokens));
                tasks.Add(batch.KeyExpireAsync(tpmKey, TimeSpan.FromSeconds(120)));
            }
            batch.Execute();
            await Task.WhenAll(tasks);
            return settles;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning("Redis unavailable ({Error}); could not release limits of key {KeyId} (its lease expires on its own)", ex.GetType().Name, admission.Key.Id);
            return false;
        }
    }

    /// <summary>The renewal timer's state: renews without letting an exception escape the timer thread.</summary>
    private sealed class Renewing(KeyLimiter limiter, Admission admission)
    {
        public async Task RunAsync()
        {
            try { await limiter.RenewAsync(admission); }
            catch (ObjectDisposedException) { } // the host is stopping
        }
    }
}
