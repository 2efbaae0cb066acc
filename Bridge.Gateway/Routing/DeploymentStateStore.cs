using System.Collections.Concurrent;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Diagnostics;
using Bridge.Gateway.State;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Bridge.Gateway.Routing;

/// <summary>Why an attempt failed, as far as cooldowns and retries care.</summary>
public enum FailureKind
{
    RateLimit,
    Timeout,
    ServerError,
    Connection,
    ContextWindow,
    ContentPolicy,
    Authentication,
    BadRequest,
}

/// <summary>
/// The live state of every deployment, shared by all gateway replicas through Redis:
/// cooldowns (<c>bridge:cooldown:*</c>, announced on <c>bridge:events</c> and re-read every
/// <see cref="RefreshEvery"/>), rpm/tpm used this minute (reserved atomically, so two replicas together
/// cannot exceed a limit), and failure counts toward <c>allowed_fails</c>. In-flight counts, latency and
/// error rates are this replica's own. Without Redis everything is kept in memory.
/// </summary>
public sealed class DeploymentStateStore : BackgroundService, IDeploymentStatsSource, IStateEventHandler
{
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromMilliseconds(500);

    // Counts a request unless the deployment is at its rpm for this minute.
    private const string ReserveScript = """
        local used = tonumber(redis.call('GET', KEYS[1]) or '0')
        if used >= tonumber(ARGV[1]) then return -1 end
        local tpm = tonumber(redis.call('GET', KEYS[2]) or '0')
        if tonumber(ARGV[2]) >= 0 and tpm >= tonumber(ARGV[2]) then return -2 end
        redis.call('INCR', KEYS[1])
        redis.call('EXPIRE', KEYS[1], 120)
        return used + 1
        """;

    private readonly ConcurrentDictionary<string, Local> _local = new(StringComparer.Ordinal);
    private readonly BridgeConfig _config;
    private readonly RedisConnection _redis;
    private readonly TimeProvider _time;
    private readonly ILogger<DeploymentStateStore> _logger;

    private readonly GatewayTelemetry? _telemetry;

    private readonly Models.ModelCatalog? _catalog;

    public DeploymentStateStore(BridgeConfig config, RedisConnection redis, TimeProvider time, ILogger<DeploymentStateStore> logger, GatewayTelemetry? telemetry = null,
        Models.ModelCatalog? catalog = null)
    {
        _telemetry = telemetry;
        _catalog = catalog;
        _config = config;
        _redis = redis;
        _time = time;
        _logger = logger;
        foreach (var d in config.Deployments) _local[d.Id] = new Local();
    }

    private sealed class Local
    {
        public int InFlight;
        public double? LatencyMs;
        public double? TtftMs;
        public DateTimeOffset? CoolingDownUntil;
        public string? CooldownReason;
        public int RpmUsed;
        public long TpmUsed;
        public long Minute;
        public int LocalFails;
        public long LocalFailMinute;
        public readonly Queue<bool> Recent = new();
        public readonly object Gate = new();
    }

    private Local For(string id) => _local.GetOrAdd(id, _ => new Local());

    public DeploymentStats Get(string deploymentId)
    {
        var l = For(deploymentId);
        var minute = _time.GetUtcNow().ToUnixTimeSeconds() / 60;
        lock (l.Gate)
        {
            var sameMinute = l.Minute == minute;
            return new DeploymentStats
            {
                InFlight = l.InFlight,
                LatencyEwmaMs = l.LatencyMs,
                TtftEwmaMs = l.TtftMs,
                RpmUsed = sameMinute ? l.RpmUsed : 0,
                TpmUsed = sameMinute ? l.TpmUsed : 0,
                CoolingDownUntil = l.CoolingDownUntil,
            };
        }
    }

    /// <summary>Error rate over this replica's last 50 attempts (null before any).</summary>
    public double? ErrorRate(string deploymentId)
    {
        var l = For(deploymentId);
        lock (l.Gate) return l.Recent.Count == 0 ? null : l.Recent.Count(ok => !ok) / (double)l.Recent.Count;
    }

    public string? CooldownReason(string deploymentId)
    {
        var l = For(deploymentId);
        lock (l.Gate) return l.CoolingDownUntil > _time.GetUtcNow() ? l.CooldownReason : null;
    }

    /// <summary>
    /// Counts a request against the deployment's rpm (atomically across replicas). False when the deployment
    /// is at its rpm or tpm for this minute: pick another one.
    /// </summary>
    public async Task<bool> TryReserveAsync(ModelDeployment deployment)
    {
        if (deployment.Rpm is null && deployment.Tpm is null) return true;
        var now = _time.GetUtcNow();
        var minute = now.ToUnixTimeSeconds() / 60;
        var l = For(deployment.Id);
        if (_redis.IsConfigured)
        {
            try
            {
                var db = (await _redis.DatabaseAsync())!;
                var result = (long)await db.ScriptEvaluateAsync(ReserveScript,
                    [RedisKeys.DeploymentRpm(deployment.Id, minute), RedisKeys.DeploymentTpm(deployment.Id, minute)],
                    [deployment.Rpm ?? long.MaxValue, deployment.Tpm ?? -1]);
                lock (l.Gate)
                {
                    if (l.Minute != minute) (l.Minute, l.RpmUsed, l.TpmUsed) = (minute, 0, 0);
                    if (result == -1) l.RpmUsed = deployment.Rpm ?? l.RpmUsed;
                    else if (result == -2) l.TpmUsed = deployment.Tpm ?? l.TpmUsed;
                    else l.RpmUsed = (int)result;
                }
                return result > 0;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                _logger.LogWarning("Redis unavailable ({Error}); counting {DeploymentId}'s limits on this replica only", ex.GetType().Name, deployment.Id);
            }
        }
        lock (l.Gate)
        {
            if (l.Minute != minute) (l.Minute, l.RpmUsed, l.TpmUsed) = (minute, 0, 0);
            if (deployment.Rpm is { } rpm && l.RpmUsed >= rpm) return false;
            if (deployment.Tpm is { } tpm && l.TpmUsed >= tpm) return false;
            l.RpmUsed++;
            return true;
        }
    }

    public void AttemptStarted(string deploymentId) => Interlocked.Increment(ref For(deploymentId).InFlight);

    /// <summary>Ends an attempt: in-flight count, latency (and time to first token for streams), error rate.</summary>
    public void AttemptEnded(string deploymentId, bool succeeded, double? latencyMs, double? ttftMs)
    {
        var l = For(deploymentId);
        Interlocked.Decrement(ref l.InFlight);
        lock (l.Gate)
        {
            if (succeeded && latencyMs is { } latency) l.LatencyMs = LatencyTracker.Next(l.LatencyMs, latency);
            if (succeeded && ttftMs is { } ttft) l.TtftMs = LatencyTracker.Next(l.TtftMs, ttft);
            l.Recent.Enqueue(succeeded);
            while (l.Recent.Count > 50) l.Recent.Dequeue();
        }
    }

    /// <summary>Counts tokens the deployment used this minute (for <c>tpm</c>).</summary>
    public async Task AddTokensAsync(ModelDeployment deployment, long tokens)
    {
        if (deployment.Tpm is null || tokens <= 0) return;
        var minute = _time.GetUtcNow().ToUnixTimeSeconds() / 60;
        var l = For(deployment.Id);
        lock (l.Gate)
        {
            if (l.Minute != minute) (l.Minute, l.RpmUsed, l.TpmUsed) = (minute, 0, 0);
            l.TpmUsed += tokens;
        }
        if (!_redis.IsConfigured) return;
        try
        {
            var db = (await _redis.DatabaseAsync())!;
            var key = RedisKeys.DeploymentTpm(deployment.Id, minute);
            await db.StringIncrementAsync(key, tokens);
            await db.KeyExpireAsync(key, TimeSpan.FromSeconds(120));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _logger.LogWarning("Redis unavailable ({Error}); tokens of {DeploymentId} counted on this replica only", ex.GetType().Name, deployment.Id);
        }
    }

    /// <summary>
    /// Records a failed attempt. A 429 cools the deployment down at once, for <c>cooldown_time</c> or the
    /// upstream's Retry-After, whichever is longer; other upstream failures cool it down once they exceed
    /// <c>allowed_fails</c> within a minute. Failures the client caused never count, and (as in LiteLLM) the only
    /// deployment of a group is never cooled down: that would only turn the upstream's answers into Bridge's own 429s.
    /// </summary>
    public async Task ReportFailureAsync(ModelDeployment deployment, FailureKind kind, TimeSpan? retryAfter, int groupSize)
    {
        if (kind is FailureKind.BadRequest or FailureKind.ContextWindow or FailureKind.ContentPolicy || groupSize <= 1) return;
        var settings = _config.Router;
        if (kind == FailureKind.RateLimit)
        {
            var span = retryAfter is { } ra && ra > settings.CooldownTime ? ra : settings.CooldownTime;
            await StartCooldownAsync(deployment, span, "rate limited (429)");
            return;
        }

        var now = _time.GetUtcNow();
        var minute = now.ToUnixTimeSeconds() / 60;
        long fails;
        var l = For(deployment.Id);
        lock (l.Gate)
        {
            if (l.LocalFailMinute != minute) (l.LocalFailMinute, l.LocalFails) = (minute, 0);
            fails = ++l.LocalFails;
        }
        if (_redis.IsConfigured)
        {
            try
            {
                var db = (await _redis.DatabaseAsync())!;
                var key = RedisKeys.Failures(deployment.Id, minute);
                fails = await db.StringIncrementAsync(key);
                await db.KeyExpireAsync(key, TimeSpan.FromSeconds(120));
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                _logger.LogWarning("Redis unavailable ({Error}); counting failures of {DeploymentId} on this replica only", ex.GetType().Name, deployment.Id);
            }
        }
        if (fails > settings.AllowedFails)
        {
            await StartCooldownAsync(deployment, settings.CooldownTime, $"{fails} failures this minute ({kind})");
        }
    }

    private async Task StartCooldownAsync(ModelDeployment deployment, TimeSpan span, string reason)
    {
        var until = _time.GetUtcNow() + span;
        SetCooldown(deployment.Id, until, reason);
        _telemetry?.Cooldowns.Add(1, new KeyValuePair<string, object?>("bridge.deployment", deployment.Id));
        _logger.LogWarning("Deployment {DeploymentId} cooling down for {Seconds:0.#} s: {Reason}", deployment.Id, span.TotalSeconds, reason);
        if (!_redis.IsConfigured) return;
        try
        {
            var multiplexer = (await _redis.GetAsync())!;
            await multiplexer.GetDatabase().StringSetAsync(RedisKeys.Cooldown(deployment.Id), StateJson.Serialize(new CooldownRecord(until, reason)), span);
            await multiplexer.GetSubscriber().PublishAsync(RedisChannel.Literal(RedisKeys.Events),
                RedisKeys.EventMessages.Cooldown(deployment.Id, until.ToUnixTimeMilliseconds()));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _logger.LogWarning("Redis unavailable ({Error}); cooldown of {DeploymentId} applies to this replica only", ex.GetType().Name, deployment.Id);
        }
    }

    private void SetCooldown(string deploymentId, DateTimeOffset until, string? reason)
    {
        var l = For(deploymentId);
        lock (l.Gate)
        {
            if (l.CoolingDownUntil is { } current && current >= until) return;
            l.CoolingDownUntil = until;
            l.CooldownReason = reason;
        }
    }

    /// <summary>A cooldown started by another replica.</summary>
    public void OnEvent(string message)
    {
        const string prefix = "cooldown:";
        if (!message.StartsWith(prefix, StringComparison.Ordinal)) return;
        var colon = message.LastIndexOf(':');
        if (colon <= prefix.Length || !long.TryParse(message.AsSpan(colon + 1), out var untilMs)) return;
        SetCooldown(message[prefix.Length..colon], DateTimeOffset.FromUnixTimeMilliseconds(untilMs), "cooling down (another replica)");
    }

    /// <summary>Re-reads cooldowns and minute counters from Redis, as a backstop for missed notices.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_redis.IsConfigured) return;
        using var timer = new PeriodicTimer(RefreshEvery, _time);
        while (await WaitAsync(timer, stoppingToken))
        {
            try
            {
                // Deployments can change at runtime (ModelSources): read the current set each round.
                var deployments = _catalog?.Deployments ?? _config.Deployments;
                if (deployments.Count == 0) continue;
                var db = (await _redis.DatabaseAsync())!;
                var minute = _time.GetUtcNow().ToUnixTimeSeconds() / 60;
                var keys = new List<RedisKey>(deployments.Count * 3);
                foreach (var d in deployments)
                {
                    keys.Add(RedisKeys.Cooldown(d.Id));
                    keys.Add(RedisKeys.DeploymentRpm(d.Id, minute));
                    keys.Add(RedisKeys.DeploymentTpm(d.Id, minute));
                }
                var values = await db.StringGetAsync(keys.ToArray());
                for (var i = 0; i < deployments.Count; i++)
                {
                    var l = For(deployments[i].Id);
                    if (values[i * 3].HasValue && StateJson.Deserialize<CooldownRecord>(values[i * 3]!) is { } cooldown)
                    {
                        SetCooldown(deployments[i].Id, cooldown.Until, cooldown.Reason);
                    }
                    lock (l.Gate)
                    {
                        if (l.Minute != minute) (l.Minute, l.RpmUsed, l.TpmUsed) = (minute, 0, 0);
                        l.RpmUsed = Math.Max(l.RpmUsed, (int)(long)(values[i * 3 + 1].HasValue ? values[i * 3 + 1] : 0));
                        l.TpmUsed = Math.Max(l.TpmUsed, (long)(values[i * 3 + 2].HasValue ? values[i * 3 + 2] : 0));
                    }
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Redis blips are logged where they matter (reservations, cooldowns); the snapshot just ages.
            }
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken token)
    {
        try
        {
            return await timer.WaitForNextTickAsync(token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
