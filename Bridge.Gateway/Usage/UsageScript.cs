using Bridge.Gateway.State;
using StackExchange.Redis;

namespace Bridge.Gateway.Usage;

/// <summary>
/// Applies one usage record at most once: a Lua script sets <c>bridge:usage:seen:{requestId}</c> with NX and only
/// then increments every counter, so a record re-sent after a failure is not counted twice. Every key's type is
/// checked before anything is written: Redis does not roll a script back, so a write refused halfway (a key of the
/// wrong type) would leave the request marked seen with half its counters, and the retry would skip it silently.
/// A refusal is a <see cref="RedisServerException"/> starting with <c>WRONGTYPE</c>.
/// A record with a session also adds to <c>bridge:usage:session:{label}</c> (expiring 24 h after the session's last
/// request) and keeps <c>bridge:usage:sessions</c> (by last seen) and <c>bridge:usage:sessions:by-cost</c> to the
/// sessions of the last 24 h, at most <see cref="RedisKeys.UsageSessionsKept"/> (the least recently seen go first).
/// Each record removes at most 100 sessions older than 24 h, so its work stays bounded after a quiet day.
/// </summary>
public static class UsageScript
{
    private const string Script = """
        local function wrong(key, want)
          local t = redis.call('TYPE', key)
          if type(t) == 'table' then t = t['ok'] end
          if t ~= 'none' and t ~= want then return key .. ' holds a ' .. t .. ', not a ' .. want end
          return nil
        end
        local checks = { {2, 'zset'}, {3, 'list'} }
        if ARGV[6] ~= '' then checks[#checks + 1] = {4, 'string'} end
        for i = 0, 2 do
          if ARGV[13 + i] ~= '' then
            checks[#checks + 1] = {5 + i * 2, 'hash'}
            checks[#checks + 1] = {6 + i * 2, 'set'}
          end
        end
        if ARGV[18] ~= '' then
          checks[#checks + 1] = {11, 'hash'}
          checks[#checks + 1] = {12, 'zset'}
          checks[#checks + 1] = {13, 'zset'}
        end
        for _, c in ipairs(checks) do
          local problem = wrong(KEYS[c[1]], c[2])
          if problem then return redis.error_reply('WRONGTYPE ' .. problem) end
        end
        if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', tonumber(ARGV[1])) then return 0 end
        redis.call('ZADD', KEYS[2], tonumber(ARGV[3]), ARGV[2])
        redis.call('LPUSH', KEYS[3], ARGV[4])
        redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[5]) - 1)
        -- The age bound: entries past it leave from the tail (oldest first), a bounded number per record.
        local cutoff = tonumber(ARGV[25])
        for _ = 1, 64 do
          local last = redis.call('LINDEX', KEYS[3], -1)
          if not last then break end
          local t = tonumber(string.match(last, '"time_ms":(%d+)'))
          if t == nil or t >= cutoff then break end
          redis.call('RPOP', KEYS[3])
        end
        if ARGV[6] ~= '' then
          redis.call('INCRBY', KEYS[4], tonumber(ARGV[7]))
          redis.call('EXPIRE', KEYS[4], tonumber(ARGV[6]))
        end
        for i = 0, 2 do
          local name = ARGV[13 + i]
          if name ~= '' then
            local h = KEYS[5 + i * 2]
            redis.call('HINCRBY', h, 'requests', 1)
            redis.call('HINCRBY', h, 'errors', tonumber(ARGV[8]))
            redis.call('HINCRBY', h, 'input_tokens', tonumber(ARGV[9]))
            redis.call('HINCRBY', h, 'output_tokens', tonumber(ARGV[10]))
            redis.call('HINCRBY', h, 'cached_tokens', tonumber(ARGV[11]))
            redis.call('HINCRBY', h, 'cost_micros', tonumber(ARGV[12]))
            if ARGV[16] ~= '0' then redis.call('HINCRBY', h, 'cache_write_tokens', tonumber(ARGV[16])) end
            if ARGV[17] ~= '0' then redis.call('HINCRBY', h, 'cache_savings_micros', tonumber(ARGV[17])) end
            redis.call('SADD', KEYS[6 + i * 2], name)
          end
        end
        if ARGV[18] ~= '' then
          local s, label, now, window = KEYS[11], ARGV[18], tonumber(ARGV[20]), tonumber(ARGV[19])
          redis.call('HINCRBY', s, 'requests', 1)
          redis.call('HINCRBY', s, 'errors', tonumber(ARGV[8]))
          redis.call('HINCRBY', s, 'input_tokens', tonumber(ARGV[9]))
          redis.call('HINCRBY', s, 'output_tokens', tonumber(ARGV[10]))
          redis.call('HINCRBY', s, 'cached_tokens', tonumber(ARGV[11]))
          redis.call('HINCRBY', s, 'cache_write_tokens', tonumber(ARGV[16]))
          redis.call('HINCRBY', s, 'cache_savings_micros', tonumber(ARGV[17]))
          redis.call('HINCRBY', s, 'model:' .. ARGV[14], 1)
          local cost = redis.call('HINCRBY', s, 'cost_micros', tonumber(ARGV[12]))
          local seen = redis.call('HMGET', s, 'first_seen', 'last_seen')
          local first, last = tonumber(seen[1]), tonumber(seen[2])
          if not first or now < first then redis.call('HSET', s, 'first_seen', now) end
          if not last or now >= last then
            last = now
            redis.call('HSET', s, 'last_seen', now, 'key_id', ARGV[21], 'key_name', ARGV[22], 'source', ARGV[23], 'model', ARGV[14])
          end
          redis.call('EXPIRE', s, window)
          redis.call('ZADD', KEYS[12], last, label)
          redis.call('ZADD', KEYS[13], cost, label)
          local gone = redis.call('ZRANGEBYSCORE', KEYS[12], '-inf', now - window, 'LIMIT', 0, 100)
          local over = redis.call('ZCARD', KEYS[12]) - tonumber(ARGV[24])
          if over > #gone then gone = redis.call('ZRANGE', KEYS[12], 0, over - 1) end
          for _, member in ipairs(gone) do
            redis.call('ZREM', KEYS[12], member)
            redis.call('ZREM', KEYS[13], member)
          end
          redis.call('EXPIRE', KEYS[12], window)
          redis.call('EXPIRE', KEYS[13], window)
        end
        return 1
        """;

    private static readonly TimeSpan SeenFor = TimeSpan.FromDays(7);

    /// <summary>True when applied, false when this request id was already recorded. <paramref name="db"/> may be a batch.</summary>
    public static Task<bool> ApplyAsync(IDatabaseAsync db, UsageRecord record, TimeSpan? spendTtl) =>
        ApplyAsync(db, record, spendTtl, RedisKeys.UsageSessionsKept);

    /// <summary>As above, keeping at most <paramref name="sessionsKept"/> sessions (tests use a small bound).</summary>
    internal static async Task<bool> ApplyAsync(IDatabaseAsync db, UsageRecord record, TimeSpan? spendTtl, int sessionsKept)
    {
        var day = RedisKeys.Day(record.Time);
        var dayStart = new DateTimeOffset(record.Time.UtcDateTime.Date, TimeSpan.Zero).ToUnixTimeSeconds();
        var names = new[] { record.KeyId ?? "", record.Model, record.Deployment ?? "" };
        var keys = new List<RedisKey>
        {
            RedisKeys.UsageSeen(record.RequestId),
            RedisKeys.UsageDays,
            RedisKeys.RecentRequests,
            record.KeyId is not null && record.BudgetPeriodStart is { } period ? RedisKeys.Spend(record.KeyId, period) : "bridge:spend:none",
        };
        for (var i = 0; i < 3; i++)
        {
            var dimension = RedisKeys.UsageDimensions[i];
            keys.Add(RedisKeys.Usage(day, dimension, names[i] is "" ? "-" : names[i]));
            keys.Add(RedisKeys.UsageIndex(day, dimension));
        }
        keys.Add(RedisKeys.UsageSession(record.SessionLabel ?? "-"));
        keys.Add(RedisKeys.UsageSessions);
        keys.Add(RedisKeys.UsageSessionsByCost);

        var entry = new RequestLogEntry
        {
            Time = record.Time,
            RequestId = record.RequestId,
            KeyId = record.KeyId,
            KeyName = record.KeyName,
            Model = record.Model,
            Deployment = record.Deployment,
            Status = record.Status,
            InputTokens = record.InputTokens,
            OutputTokens = record.OutputTokens,
            CachedTokens = record.CachedTokens,
            CacheWriteTokens = record.CacheWriteTokens,
            CacheSavingsMicros = record.CacheSavingsMicros,
            CostMicros = record.CostMicros,
            CostEstimated = record.CostEstimated,
            LatencyMs = Math.Round(record.LatencyMs, 1),
            Stream = record.Stream,
            SessionLabel = record.SessionLabel,
            TimeMs = record.Time.ToUnixTimeMilliseconds(),
            Protocol = record.Protocol,
            RequestedModel = record.RequestedModel,
            Attempts = record.Attempts,
            AttemptErrors = record.AttemptErrors,
            TimeToFirstTokenMs = record.TimeToFirstTokenMs is { } ttft ? Math.Round(ttft, 1) : null,
            Error = record.Error,
            TraceId = record.TraceId,
        };
        RedisValue[] args =
        [
            (long)SeenFor.TotalSeconds,
            day,
            dayStart,
            StateJson.Serialize(entry),
            RedisKeys.RecentRequestsKept,
            record.KeyId is not null && record.BudgetPeriodStart is not null ? (long)(spendTtl ?? TimeSpan.FromDays(400)).TotalSeconds : "",
            record.CostMicros,
            record.IsError ? 1 : 0,
            record.InputTokens,
            record.OutputTokens,
            record.CachedTokens,
            record.CostMicros,
            names[0],
            names[1],
            names[2],
            record.CacheWriteTokens,
            record.CacheSavingsMicros,
            record.SessionLabel ?? "",
            (long)RedisKeys.UsageSessionWindow.TotalSeconds,
            record.Time.ToUnixTimeSeconds(),
            record.KeyId ?? "",
            record.KeyName ?? "",
            record.SessionSource ?? "",
            sessionsKept,
            (record.Time - RedisKeys.RecentRequestsMaxAge).ToUnixTimeMilliseconds(),
        ];
        var result = await db.ScriptEvaluateAsync(Script, keys.ToArray(), args);
        return (long)result == 1;
    }
}
