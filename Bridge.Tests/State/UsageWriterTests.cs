using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Bridge.Gateway.Diagnostics;
using Bridge.Gateway.State;
using Bridge.Gateway.Usage;
using Bridge.Tests.Admin;
using Bridge.Tests.Infrastructure;
using Bridge.Tests.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Bridge.Tests.State;

/// <summary>
/// The usage writer against a real Redis-compatible server: no record is lost without a count and a log line, a record
/// Redis refuses is moved aside instead of blocking the others, and records go in pipelined batches.
/// </summary>
public sealed class UsageWriterTests : IClassFixture<GarnetFixture>, IDisposable
{
    private readonly GarnetFixture _fixture;
    private readonly GatewayTelemetry _telemetry = TestTelemetry.Create();
    private readonly LogCapture _logs = new();
    private readonly ILoggerFactory _loggers;
    private readonly MeterListener _meters = new();
    private readonly ConcurrentDictionary<string, long> _counted = new();
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private static readonly DateTimeOffset Day = new(2031, 5, 6, 7, 0, 0, TimeSpan.Zero);

    public UsageWriterTests(GarnetFixture fixture)
    {
        _fixture = fixture;
        _loggers = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
        // Only this test's telemetry object: other tests in the process have their own meters of the same name.
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument, _telemetry.UsageDropped) || ReferenceEquals(instrument, _telemetry.UsageDeadLettered)) listener.EnableMeasurementEvents(instrument);
            if (instrument.Name == "bridge.usage.queued" && ReferenceEquals(instrument.Meter, _telemetry.UsageDropped.Meter)) listener.EnableMeasurementEvents(instrument);
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "bridge.usage.queued") _counted[instrument.Name] = value;
            else _counted.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
        });
        _meters.Start();
    }

    public void Dispose()
    {
        _meters.Dispose();
        _telemetry.Dispose();
        _loggers.Dispose();
    }

    [Fact]
    public async Task QueueFull_DropsTheOldest_CountsEveryDrop_LogsAtMostEvery10Seconds()
    {
        await using var redis = new RedisConnection(_fixture.Garnet.ConnectionString, NullLogger<RedisConnection>.Instance);
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var writer = new UsageWriter(redis, _telemetry, clock, _loggers.CreateLogger<UsageWriter>(), capacity: 10);

        for (var i = 0; i < 25; i++) writer.Record(Record($"{_run}_{i}", $"vk_{_run}")); // not started: nothing leaves the queue

        Assert.Equal(15, writer.Dropped);
        Assert.Equal(10, writer.Queued);
        Assert.Equal(15, _counted.GetValueOrDefault("bridge.usage.dropped"));
        _meters.RecordObservableInstruments();
        Assert.Equal(10, _counted.GetValueOrDefault("bridge.usage.queued"));
        var first = Assert.Single(DropLines());
        Assert.Contains("Count=1 Total=1 ", first); // the first drop is logged at once, the next 14 wait for the interval

        clock.Advance(UsageWriter.DropLogInterval);
        writer.Record(Record($"{_run}_25", $"vk_{_run}"));
        Assert.Equal(2, DropLines().Count);
        Assert.Contains("Count=15 Total=16 ", DropLines()[1]);

        // The newest ten were kept and are written once the loop runs; the dropped ones never are.
        await writer.StartAsync(CancellationToken.None);
        await Eventually(() => Task.FromResult(writer.Written == 10));
        await writer.StopAsync(CancellationToken.None);
        var db = (await redis.DatabaseAsync())!;
        Assert.True(await db.KeyExistsAsync(RedisKeys.UsageSeen($"{_run}_25")));
        Assert.True(await db.KeyExistsAsync(RedisKeys.UsageSeen($"{_run}_16")));
        Assert.False(await db.KeyExistsAsync(RedisKeys.UsageSeen($"{_run}_15")));
    }

    [Fact]
    public async Task ARecordRedisRefuses_IsDeadLettered_NotHalfApplied_AndTheRecordsBehindItAreWritten()
    {
        await using var redis = new RedisConnection(_fixture.Garnet.ConnectionString, NullLogger<RedisConnection>.Instance);
        var db = (await redis.DatabaseAsync())!;
        var poisoned = RedisKeys.Usage(RedisKeys.Day(Day), "key", $"vk_poison_{_run}");
        // A plain string where the script increments a hash: Redis refuses every write of this key's usage.
        await db.StringSetAsync(poisoned, "not a hash");
        var writer = new UsageWriter(redis, _telemetry, TimeProvider.System, _loggers.CreateLogger<UsageWriter>());

        writer.Record(Record($"{_run}_poison", $"vk_poison_{_run}"));
        for (var i = 0; i < 5; i++) writer.Record(Record($"{_run}_{i}", $"vk_ok_{_run}"));
        await writer.StartAsync(CancellationToken.None);
        await Eventually(() => Task.FromResult(writer.DeadLettered == 1));
        for (var i = 5; i < 10; i++) writer.Record(Record($"{_run}_{i}", $"vk_ok_{_run}"));
        await Eventually(() => Task.FromResult(writer.Written == 10));
        await writer.StopAsync(CancellationToken.None);

        Assert.Equal(10, (long)await db.HashGetAsync(RedisKeys.Usage(RedisKeys.Day(Day), "key", $"vk_ok_{_run}"), "requests"));
        // Nothing of the refused record was applied (it can be replayed once the key is fixed), and it is not "written".
        Assert.False(await db.KeyExistsAsync(RedisKeys.UsageSeen($"{_run}_poison")));
        Assert.Equal("not a hash", (string?)await db.StringGetAsync(poisoned));
        Assert.Equal(0, writer.Dropped);
        Assert.Equal(1, _counted.GetValueOrDefault("bridge.usage.dead_lettered"));

        var letters = (await db.ListRangeAsync(RedisKeys.UsageDeadLetters)).Select(v => StateJson.Deserialize<UsageDeadLetter>(v!)!).ToList();
        var letter = Assert.Single(letters, l => l.RequestId.StartsWith(_run, StringComparison.Ordinal));
        Assert.Equal(($"{_run}_poison", $"vk_poison_{_run}", "model-a", UsageWriter.MaxRefusals, 7L), (letter.RequestId, letter.KeyId, letter.Model, letter.Attempts, letter.CostMicros));
        Assert.Contains("WRONGTYPE", letter.Reason);
        Assert.Contains(poisoned, letter.Reason);
        Assert.Contains(_logs.Lines, l => l.Contains($"{_run}_poison", StringComparison.Ordinal) && l.Contains(RedisKeys.UsageDeadLetters, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ManyRecords_AreWrittenInPipelinedBatches_EachCountedOnce()
    {
        await using var redis = new RedisConnection(_fixture.Garnet.ConnectionString, NullLogger<RedisConnection>.Instance);
        var writer = new UsageWriter(redis, _telemetry, TimeProvider.System, _loggers.CreateLogger<UsageWriter>());
        const int count = 1000;
        for (var i = 0; i < count; i++) writer.Record(Record($"{_run}_{i}", $"vk_{_run}") with { CostMicros = i });
        writer.Record(Record($"{_run}_7", $"vk_{_run}")); // a replay: at most once per request id

        await writer.StartAsync(CancellationToken.None);
        await Eventually(() => Task.FromResult(writer.Written == count + 1));
        await writer.StopAsync(CancellationToken.None);

        var db = (await redis.DatabaseAsync())!;
        var counters = (await db.HashGetAllAsync(RedisKeys.Usage(RedisKeys.Day(Day), "key", $"vk_{_run}"))).ToDictionary(e => (string)e.Name!, e => (long)e.Value);
        Assert.Equal(count, counters["requests"]);
        Assert.Equal(count * (count - 1L) / 2, counters["cost_micros"]);
        Assert.Equal(count * 10L, counters["input_tokens"]);
        // 1,001 records queued before the loop started: ceil(1001 / 256) round trips, not one per record.
        Assert.Equal((count + 1 + UsageWriter.BatchSize - 1) / UsageWriter.BatchSize, writer.Batches);
    }

    [Fact]
    public async Task RedisUnreachable_RecordsWaitAndAreNeitherDroppedNorDeadLettered_ThenWritten()
    {
        using var garnet = new GarnetInstance();
        await using var redis = new RedisConnection(garnet.ConnectionString, NullLogger<RedisConnection>.Instance);
        await redis.DatabaseAsync(); // connected once, then the server goes away
        garnet.Stop();
        var writer = new UsageWriter(redis, _telemetry, TimeProvider.System, _loggers.CreateLogger<UsageWriter>());
        await writer.StartAsync(CancellationToken.None);
        for (var i = 0; i < 3; i++) writer.Record(Record($"{_run}_{i}", $"vk_{_run}"));

        await Eventually(() => Task.FromResult(_logs.Lines.Any(l => l.Contains("buffered until Redis returns", StringComparison.Ordinal))));
        await Task.Delay(UsageWriter.MaxRefusals * 1000 + 500); // longer than refusals take to move a record aside
        Assert.Equal((0L, 0L, 0L, 3), (writer.Written, writer.Dropped, writer.DeadLettered, writer.Queued));

        garnet.Start();
        await Eventually(() => Task.FromResult(writer.Written == 3));
        await writer.StopAsync(CancellationToken.None);
        Assert.Equal((0L, 0L), (writer.Dropped, writer.DeadLettered));
    }

    [Fact]
    public async Task ShutdownWhileRedisIsAway_CountsAndLogsWhatIsLost()
    {
        using var garnet = new GarnetInstance();
        await using var redis = new RedisConnection(garnet.ConnectionString, NullLogger<RedisConnection>.Instance);
        await redis.DatabaseAsync();
        garnet.Stop();
        var writer = new UsageWriter(redis, _telemetry, TimeProvider.System, _loggers.CreateLogger<UsageWriter>());
        await writer.StartAsync(CancellationToken.None);
        for (var i = 0; i < 4; i++) writer.Record(Record($"{_run}_{i}", $"vk_{_run}"));
        await Eventually(() => Task.FromResult(_logs.Lines.Any(l => l.Contains("buffered until Redis returns", StringComparison.Ordinal))));

        using var shutdown = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await writer.StopAsync(shutdown.Token);
        writer.Record(Record($"{_run}_late", $"vk_{_run}")); // after the stop: counted too

        Assert.Equal(5, writer.Dropped);
        Assert.Equal(5, _counted.GetValueOrDefault("bridge.usage.dropped"));
        Assert.Contains(_logs.Lines, l => l.Contains("Stopping with 4 usage record(s) Redis did not take", StringComparison.Ordinal));
    }

    private List<string> DropLines() => _logs.Lines.Where(l => l.Contains("dropped since the last report", StringComparison.Ordinal)).ToList();

    private static UsageRecord Record(string requestId, string keyId) => new()
    {
        RequestId = requestId, Time = Day, KeyId = keyId, KeyName = "name-" + keyId, Model = "model-a", Deployment = "dep-a",
        Status = 200, InputTokens = 10, OutputTokens = 2, CostMicros = 7,
    };

    private static async Task Eventually(Func<Task<bool>> condition, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"not within {seconds} s");
            await Task.Delay(50);
        }
    }
}
