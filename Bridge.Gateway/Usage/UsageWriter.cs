using System.Threading.Channels;
using Bridge.Gateway.State;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Bridge.Gateway.Usage;

/// <summary>
/// Records usage off the response path. Records queue in memory; a background loop applies them to Redis
/// with <see cref="UsageScript"/>. While Redis is unreachable they stay queued and are retried; a graceful
/// shutdown flushes the queue. Exactly-once holds because the script ignores request ids it has seen.
/// </summary>
public sealed class UsageWriter(RedisConnection redis, ILogger<UsageWriter> logger) : BackgroundService
{
    private const int Capacity = 100_000;
    private readonly Channel<UsageRecord> _queue = Channel.CreateBounded<UsageRecord>(new BoundedChannelOptions(Capacity)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });
    private UsageRecord? _pending;
    private long _written;

    /// <summary>Records written to Redis so far (for tests and health).</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Records waiting to be written.</summary>
    public int Queued => _queue.Reader.Count + (_pending is null ? 0 : 1);

    public void Record(UsageRecord record)
    {
        if (!redis.IsConfigured) return;
        _queue.Writer.TryWrite(record);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!redis.IsConfigured) return;
        try
        {
            await DrainAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DrainAsync(CancellationToken token)
    {
        while (true)
        {
            _pending ??= await _queue.Reader.ReadAsync(token);
            if (await TryApplyAsync(_pending))
            {
                _pending = null;
                continue;
            }
            await Task.Delay(TimeSpan.FromSeconds(1), token);
        }
    }

    private async Task<bool> TryApplyAsync(UsageRecord record)
    {
        try
        {
            var db = (await redis.DatabaseAsync())!;
            await UsageScript.ApplyAsync(db, record, null);
            Interlocked.Increment(ref _written);
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning("Usage not written yet ({Error}); {Queued} record(s) buffered until Redis returns", ex.GetType().Name, Queued);
            return false;
        }
    }

    /// <summary>Graceful shutdown: stop the loop, then flush what is queued (bounded by the host's shutdown timeout).</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!redis.IsConfigured) return;
        _queue.Writer.TryComplete();
        while (!cancellationToken.IsCancellationRequested)
        {
            if (_pending is null && !_queue.Reader.TryRead(out _pending)) break;
            if (!await TryApplyAsync(_pending!))
            {
                logger.LogError("Shutting down with {Queued} usage record(s) that Redis did not accept", Queued);
                return;
            }
            _pending = null;
        }
    }
}
