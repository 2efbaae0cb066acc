using Bridge.Gateway.State;
using StackExchange.Redis;

namespace Bridge.Gateway.Usage;

/// <summary>
/// Applies one usage record at most once: a Lua script sets <c>bridge:usage:seen:{requestId}</c> with NX and only
/// then increments every counter, so a record re-sent after a failure is not counted twice. Every key's type is
/// checked before anything is written: Redis does not roll a script back, so a write refused halfway (a key of the
/// wrong type) would leave the request marked seen with half its counters, and the retry would skip it silently.
/// A refusal is a <see cref="RedisServerException"/> starting with <c>WRONGTYPE</c>.
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
        for _, c in ipairs(checks) do
          local problem = wrong(KEYS[c[1]], c[2])
          if problem then return redis.error_reply('WRONGTYPE ' .. problem) end
        end
        if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', tonumber(ARGV[1])) then return 0 end
        redis.call('ZADD', KEYS[2], tonumber(ARGV[3]), ARGV[2])
        redis.call('LPUSH', KEYS[3], ARGV[4])
        redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[5]) - 1)
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
            redis.call('SADD', KEYS[6 + i * 2], name)
          end
        end
        return 1
        """;

    private static readonly TimeSpan SeenFor = TimeSpan.FromDays(7);

    /// <summary>True when applied, false when this request id was already recorded. <paramref name="db"/> may be a batch.</summary>
    public static async Task<bool> ApplyAsync(IDatabaseAsync db, UsageRecord record, TimeSpan? spendTtl)
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
            CostMicros = record.CostMicros,
            CostEstimated = record.CostEstimated,
            LatencyMs = Math.Round(record.LatencyMs, 1),
            Stream = record.Stream,
            TtftMs = record.TtftMs is { } ttft ? Math.Round(ttft, 1) : null,
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
        ];
        var result = await db.ScriptEvaluateAsync(Script, keys.ToArray(), args);
        return (long)result == 1;
    }
}
