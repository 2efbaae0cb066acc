using System.Threading.Channels;
using Bridge.Gateway.Diagnostics;
using Bridge.Gateway.State;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Bridge.Gateway.Usage;

/// <summary>
/// Records usage off the response path. Records queue in memory (bounded); a background loop writes them to Redis
/// in pipelined batches with <see cref="UsageScript"/>, so nothing is ever lost without a count and a log line:
/// <list type="bullet">
/// <item>Redis unreachable or busy (connection error, timeout, LOADING, OOM...): the records stay queued and are
/// retried every second; none is dropped while the queue has room.</item>
/// <item>Redis refuses one record (a script error such as WRONGTYPE): it is tried <see cref="MaxRefusals"/> times,
/// then moved to the dead-letter list <c>bridge:usage:dead</c> with the reason, and the records behind it go on.</item>
/// <item>Queue full (Redis away for long): the oldest record is dropped, counted (<see cref="Dropped"/>,
/// <c>bridge.usage.dropped</c>) and logged at most every 10 s.</item>
/// <item>Graceful shutdown flushes the queue; what Redis cannot take by the end is counted and logged as lost.</item>
/// </list>
/// The guarantee is at most once per request id (the script ignores ids it has seen), and at least once while
/// Redis is reachable or comes back before the gateway stops. Records are not spilled to disk: a container's
/// disk is usually gone with it, and an outage longer than a shutdown is what the drop count and log are for.
/// </summary>
public sealed class UsageWriter : BackgroundService
{
    public const int DefaultCapacity = 100_000;
    /// <summary>Records per pipelined round trip.</summary>
    internal const int BatchSize = 256;
    /// <summary>Refusals before a record is moved aside: an error that goes away by itself gets two more chances.</summary>
    internal const int MaxRefusals = 3;
    private const int ReasonMaxLength = 500;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan DropLogInterval = TimeSpan.FromSeconds(10);

    private readonly RedisConnection _redis;
    private readonly GatewayTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly ILogger<UsageWriter> _logger;
    private readonly Channel<UsageRecord> _queue;
    /// <summary>Records taken from the queue and not written yet; only the writing loop (then the final flush) touches it.</summary>
    private readonly List<PendingUsage> _batch = new(BatchSize);
    private int _inBatch;
    private long _written;
    private long _dropped;
    private long _droppedReported;
    private long _nextDropReportTicks;
    private long _deadLettered;
    private long _batches;
    private bool _redisAway;

    public UsageWriter(RedisConnection redis, GatewayTelemetry telemetry, TimeProvider time, ILogger<UsageWriter> logger)
        : this(redis, telemetry, time, logger, DefaultCapacity)
    {
    }

    internal UsageWriter(RedisConnection redis, GatewayTelemetry telemetry, TimeProvider time, ILogger<UsageWriter> logger, int capacity)
    {
        _redis = redis;
        _telemetry = telemetry;
        _time = time;
        _logger = logger;
        Capacity = capacity;
        _queue = Channel.CreateBounded<UsageRecord>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => CountDropped(1, "queue_full"));
        telemetry.ObserveUsageQueue(() => Queued);
    }

    /// <summary>How many records may wait for Redis before the oldest are dropped.</summary>
    public int Capacity { get; }

    /// <summary>Records written to Redis so far (for tests and health).</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Records lost: dropped from a full queue, or still unwritten when the gateway stopped.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Records Redis refused, moved to <c>bridge:usage:dead</c>.</summary>
    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    /// <summary>Pipelined round trips made so far.</summary>
    internal long Batches => Interlocked.Read(ref _batches);

    /// <summary>Records waiting to be written.</summary>
    public int Queued => _queue.Reader.Count + Volatile.Read(ref _inBatch);

    public void Record(UsageRecord record)
    {
        if (!_redis.IsConfigured) return;
        // DropOldest always accepts; only a writer already stopped refuses.
        if (!_queue.Writer.TryWrite(record)) CountDropped(1, "shutdown");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_redis.IsConfigured) return;
        try
        {
            while (true)
            {
                if (_batch.Count == 0) _batch.Add(new PendingUsage(await _queue.Reader.ReadAsync(stoppingToken)));
                await WriteBatchAsync();
                ReportDrops(force: false);
                if (_batch.Count > 0) await Task.Delay(RetryDelay, _time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (ChannelClosedException)
        {
            // Completed by StopAsync after the host's timeout cut the wait for this loop short.
        }
    }

    /// <summary>Graceful shutdown: stop the loop, then flush what is queued (bounded by the host's shutdown timeout).</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!_redis.IsConfigured) return;
        _queue.Writer.TryComplete();
        // The loop may still be inside a round trip when the host's timeout cut the wait short: it owns the batch then.
        if (ExecuteTask is null || ExecuteTask.IsCompleted)
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (_batch.Count == 0 && !_queue.Reader.TryPeek(out _)) break;
                // A refused record is retried at once until it is moved aside; an outage ends the flush.
                if (!await WriteBatchAsync()) break;
            }
        }
        var lost = Queued;
        if (lost > 0)
        {
            Interlocked.Add(ref _dropped, lost);
            _telemetry.UsageDropped.Add(lost, new KeyValuePair<string, object?>("reason", "shutdown"));
            Interlocked.Add(ref _droppedReported, lost);
            _logger.LogError("Stopping with {Lost} usage record(s) Redis did not take; they are lost ({Dropped} lost since start)", lost, Dropped);
        }
        ReportDrops(force: true);
    }

    /// <summary>
    /// Tops the batch up from the queue and writes it in one pipelined round trip. Whatever Redis did not take stays
    /// in the batch; false when Redis was unreachable (or busy) for some of it.
    /// </summary>
    private async Task<bool> WriteBatchAsync()
    {
        while (_batch.Count < BatchSize && _queue.Reader.TryRead(out var next)) _batch.Add(new PendingUsage(next));
        Volatile.Write(ref _inBatch, _batch.Count);
        if (_batch.Count == 0) return true;

        Interlocked.Increment(ref _batches);
        var results = new Task<bool>?[_batch.Count];
        IDatabase? db = null;
        string? outage = null;
        try
        {
            db = (await _redis.DatabaseAsync())!;
            var pipeline = db.CreateBatch();
            for (var i = 0; i < _batch.Count; i++) results[i] = UsageScript.ApplyAsync(pipeline, _batch[i].Record, null);
            pipeline.Execute();
            await ((Task)Task.WhenAll(results!)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        catch (Exception ex)
        {
            // Connecting failed (or the connection is being disposed): nothing was sent, everything is retried.
            outage = ex.GetType().Name;
        }

        var kept = 0;
        var refused = new List<PendingUsage>();
        for (var i = 0; i < _batch.Count; i++)
        {
            var pending = _batch[i];
            var result = results[i];
            if (result is { IsCompletedSuccessfully: true })
            {
                Interlocked.Increment(ref _written);
                continue;
            }
            var error = result?.Exception?.InnerException;
            if (error is not null && IsRefusal(error))
            {
                pending.Refusals++;
                pending.Reason = error.Message.Length > ReasonMaxLength ? error.Message[..ReasonMaxLength] : error.Message;
                if (pending.Refusals >= MaxRefusals)
                {
                    refused.Add(pending);
                    continue;
                }
            }
            else
            {
                outage ??= error?.GetType().Name ?? "no answer";
            }
            _batch[kept++] = pending;
        }
        _batch.RemoveRange(kept, _batch.Count - kept);
        if (refused.Count > 0 && db is not null) await DeadLetterAsync(db, refused);
        Volatile.Write(ref _inBatch, _batch.Count);

        if (outage is not null && !_redisAway)
        {
            _redisAway = true;
            _logger.LogWarning("Usage not written yet ({Error}); {Queued} record(s) buffered until Redis returns", outage, Queued);
        }
        else if (outage is null && _redisAway)
        {
            _redisAway = false;
            _logger.LogInformation("Redis takes usage again; {Queued} record(s) still queued", Queued);
        }
        return outage is null;
    }

    /// <summary>
    /// Moves records Redis keeps refusing to <c>bridge:usage:dead</c> (newest first, bounded). If that fails for an
    /// outage they go back in the batch; if Redis refuses the list itself they are counted and logged as lost.
    /// </summary>
    private async Task DeadLetterAsync(IDatabase db, List<PendingUsage> refused)
    {
        var now = _time.GetUtcNow();
        var entries = refused.Select(p => (RedisValue)StateJson.Serialize(Letter(p, now))).ToArray();
        try
        {
            var pipeline = db.CreateBatch();
            var push = pipeline.ListLeftPushAsync(RedisKeys.UsageDeadLetters, entries);
            var trim = pipeline.ListTrimAsync(RedisKeys.UsageDeadLetters, 0, RedisKeys.UsageDeadLettersKept - 1);
            pipeline.Execute();
            await Task.WhenAll(push, trim);
        }
        catch (RedisServerException ex) when (!IsServerBusy(ex))
        {
            Interlocked.Add(ref _dropped, refused.Count);
            Interlocked.Add(ref _droppedReported, refused.Count);
            _telemetry.UsageDropped.Add(refused.Count, new KeyValuePair<string, object?>("reason", "dead_letter_refused"));
            _logger.LogError("{Count} usage record(s) refused by Redis could not be moved to {List} either ({Error}); they are lost",
                refused.Count, RedisKeys.UsageDeadLetters, ex.Message);
            return;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _batch.AddRange(refused); // tried again with the next batch: refused again, moved aside again
            return;
        }
        Interlocked.Add(ref _deadLettered, refused.Count);
        _telemetry.UsageDeadLettered.Add(refused.Count);
        foreach (var pending in refused)
        {
            _logger.LogError("Usage record {RequestId} refused by Redis {Attempts} times ({Reason}); moved to {List}",
                pending.Record.RequestId, pending.Refusals, pending.Reason, RedisKeys.UsageDeadLetters);
        }
    }

    private static UsageDeadLetter Letter(PendingUsage pending, DateTimeOffset now)
    {
        var r = pending.Record;
        return new UsageDeadLetter
        {
            FailedAt = now, Reason = pending.Reason ?? "", Attempts = pending.Refusals,
            RequestId = r.RequestId, Time = r.Time, KeyId = r.KeyId, KeyName = r.KeyName, Model = r.Model, Deployment = r.Deployment,
            Status = r.Status, InputTokens = r.InputTokens, OutputTokens = r.OutputTokens, CachedTokens = r.CachedTokens,
            CacheWriteTokens = r.CacheWriteTokens, CacheSavingsMicros = r.CacheSavingsMicros, CostMicros = r.CostMicros, BudgetPeriodStart = r.BudgetPeriodStart,
        };
    }

    /// <summary>
    /// Whether Redis answered this record with an error about the record (WRONGTYPE...), as opposed to not answering
    /// (connection lost, timeout, shutting down) or being busy, which are waited out without counting.
    /// </summary>
    private static bool IsRefusal(Exception error) => error switch
    {
        RedisServerException server => !IsServerBusy(server),
        RedisException or TimeoutException or OperationCanceledException or ObjectDisposedException => false,
        _ => true, // an answer this code cannot read would be the same on every retry
    };

    /// <summary>Server errors about the server's state, not the record: wait for them like for an outage.</summary>
    private static bool IsServerBusy(RedisServerException ex) =>
        ex.Message.StartsWith("LOADING", StringComparison.Ordinal) || ex.Message.StartsWith("BUSY", StringComparison.Ordinal)
        || ex.Message.StartsWith("OOM", StringComparison.Ordinal) || ex.Message.StartsWith("READONLY", StringComparison.Ordinal)
        || ex.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal) || ex.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal)
        || ex.Message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal) || ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal);

    private void CountDropped(long count, string reason)
    {
        Interlocked.Add(ref _dropped, count);
        _telemetry.UsageDropped.Add(count, new KeyValuePair<string, object?>("reason", reason));
        ReportDrops(force: false);
    }

    /// <summary>One log line per <see cref="DropLogInterval"/> at most, with the count since the last one.</summary>
    private void ReportDrops(bool force)
    {
        var reported = Interlocked.Read(ref _droppedReported);
        var dropped = Interlocked.Read(ref _dropped);
        if (dropped == reported) return;
        var now = _time.GetUtcNow().UtcTicks;
        var due = Interlocked.Read(ref _nextDropReportTicks);
        if (!force && (now < due || Interlocked.CompareExchange(ref _nextDropReportTicks, now + DropLogInterval.Ticks, due) != due)) return;
        Interlocked.Exchange(ref _droppedReported, dropped);
        _logger.LogError("{Count} usage record(s) dropped since the last report ({Total} since start): the queue of {Capacity} was full " +
            "while Redis did not take them, or the gateway was stopping", dropped - reported, dropped, Capacity);
    }
}
