using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Bridge.Gateway.Diagnostics;

/// <summary>
/// The gateway's traces and metrics, named after the OpenTelemetry GenAI semantic conventions. Prompt and
/// completion content is never recorded (there is no setting that records it).
/// </summary>
public sealed class GatewayTelemetry : IDisposable
{
    public const string Name = "Bridge.Gateway";

    public static readonly ActivitySource Source = new(Name);

    private readonly Meter _meter;

    public GatewayTelemetry(IMeterFactory meters)
    {
        _meter = meters.Create(Name);
        LiteLlm = new LiteLlmMetrics(meters);
        TokenUsage = _meter.CreateHistogram<long>("gen_ai.client.token.usage", "{token}", "Tokens used per request, by gen_ai.token.type",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576] });
        OperationDuration = _meter.CreateHistogram<double>("gen_ai.client.operation.duration", "s", "Duration of gateway requests",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92] });
        TimeToFirstToken = _meter.CreateHistogram<double>("gen_ai.server.time_to_first_token", "s", "Time to the first streamed byte sent to the client",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0] });
        Overhead = _meter.CreateHistogram<double>("bridge.gateway.overhead", "ms", "Time spent in Bridge itself, excluding the upstream",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100] });
        CacheTokens = _meter.CreateCounter<long>("bridge.cache.tokens", "{token}",
            "Input tokens by bridge.cache.token.type: read (from the prompt cache), creation (written to it), uncached; hit rate = read / all");
        Requests = _meter.CreateCounter<long>("bridge.requests", "{request}", "Requests by status and deployment");
        Cooldowns = _meter.CreateCounter<long>("bridge.deployment.cooldowns", "{cooldown}", "Cooldowns started, by deployment");
        InFlight = _meter.CreateUpDownCounter<long>("bridge.requests.in_flight", "{request}", "Requests being served");
        UsageDropped = _meter.CreateCounter<long>("bridge.usage.dropped", "{record}",
            "Usage records lost, by reason: queue_full (Redis away too long) or shutdown (Redis away when the gateway stopped)");
        UsageDeadLettered = _meter.CreateCounter<long>("bridge.usage.dead_lettered", "{record}",
            "Usage records Redis refused, moved to the dead-letter list bridge:usage:dead");
        StoredResponseFailures = _meter.CreateCounter<long>("bridge.responses.store_failures", "{response}",
            "Responses answers that should have been stored (store, previous_response_id) but Redis refused or was away");
        _meter.CreateObservableGauge("bridge.usage.queued", () => _usageQueued?.Invoke() ?? 0, "{record}",
            "Usage records waiting to be written to Redis");
    }

    private Func<long>? _usageQueued;

    /// <summary>LiteLLM's metric names, for <c>/metrics</c> (recorded only while Prometheus is on).</summary>
    public LiteLlmMetrics LiteLlm { get; }

    public Histogram<long> TokenUsage { get; }
    public Histogram<double> OperationDuration { get; }
    public Histogram<double> TimeToFirstToken { get; }
    public Histogram<double> Overhead { get; }
    public Counter<long> CacheTokens { get; }
    public Counter<long> Requests { get; }
    public Counter<long> Cooldowns { get; }
    public UpDownCounter<long> InFlight { get; }
    public Counter<long> UsageDropped { get; }
    public Counter<long> UsageDeadLettered { get; }
    public Counter<long> StoredResponseFailures { get; }

    /// <summary>What <c>bridge.usage.queued</c> reports (the usage writer is created after this).</summary>
    public void ObserveUsageQueue(Func<long> queued) => _usageQueued = queued;

    public void Dispose()
    {
        LiteLlm.Dispose();
        _meter.Dispose();
    }
}
