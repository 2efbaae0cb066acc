using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Routing;

namespace Bridge.Gateway.Diagnostics;

/// <summary>
/// LiteLLM's Prometheus metric names (<c>litellm_spend_metric</c>, <c>litellm_proxy_total_requests_metric</c>,
/// <c>litellm_deployment_state</c>...) with their labels where Bridge has the data, so Grafana dashboards built for
/// the LiteLLM proxy keep working on <c>/metrics</c>. Its meter is outside <c>Bridge.*</c> and only listened to once
/// Prometheus is on, so nothing is recorded otherwise (see <see cref="Enabled"/>). Counters have no unit, so the exporter names them
/// as <c>prometheus_client</c> does (<c>litellm_spend_metric_total</c>); latencies are in seconds, as LiteLLM's.
/// Labels are bounded: model names come from the config (never the client's string), keys by id and name (never the
/// key or its hash). LiteLLM's team, user and end-user labels have no counterpart and are left out.
/// </summary>
public sealed class LiteLlmMetrics : IDisposable
{
    public const string MeterName = "LiteLLM";

    /// <summary>LiteLLM's latency buckets (seconds).</summary>
    private static readonly double[] LatencyBuckets =
        [0.005, 0.00625, 0.0125, 0.025, 0.05, 0.1, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5, 8.0, 8.5, 9.0, 9.5,
         10.0, 15.0, 20.0, 25.0, 30.0, 60.0, 120.0, 180.0, 240.0, 300.0];

    private readonly Meter _meter;
    private readonly Counter<long> _proxyRequests;
    private readonly Counter<long> _proxyFailures;
    private readonly Counter<long> _requests;
    private readonly Counter<double> _spend;
    private readonly Counter<long> _totalTokens;
    private readonly Counter<long> _inputTokens;
    private readonly Counter<long> _outputTokens;
    private readonly Histogram<double> _totalLatency;
    private readonly Histogram<double> _overheadLatency;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Counter<long> _deploymentSuccess;
    private readonly Counter<long> _deploymentFailure;
    private readonly Counter<long> _deploymentTotal;
    /// <summary>Whether each deployment's last attempt on this replica failed (LiteLLM's "partial outage").</summary>
    private readonly ConcurrentDictionary<string, bool> _lastFailed = new(StringComparer.Ordinal);
    private Func<IEnumerable<Measurement<int>>>? _states;

    public LiteLlmMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        var latency = new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets };
        _proxyRequests = _meter.CreateCounter<long>("litellm_proxy_total_requests_metric", null, "Requests made to the gateway, by status_code");
        _proxyFailures = _meter.CreateCounter<long>("litellm_proxy_failed_requests_metric", null, "Requests the gateway answered with an error");
        _requests = _meter.CreateCounter<long>("litellm_requests_metric", null, "Requests, by key and model (LiteLLM's older name)");
        _spend = _meter.CreateCounter<double>("litellm_spend_metric", null, "Spend in USD, by key and model");
        _totalTokens = _meter.CreateCounter<long>("litellm_total_tokens", null, "Input plus output tokens");
        _inputTokens = _meter.CreateCounter<long>("litellm_input_tokens", null, "Input tokens (cache reads included)");
        _outputTokens = _meter.CreateCounter<long>("litellm_output_tokens", null, "Output tokens");
        _totalLatency = _meter.CreateHistogram("litellm_request_total_latency_metric", null, "Whole request latency in seconds", advice: latency);
        _overheadLatency = _meter.CreateHistogram("litellm_overhead_latency_metric", null, "Time spent in the gateway itself, in seconds", advice: latency);
        _timeToFirstToken = _meter.CreateHistogram("litellm_llm_api_time_to_first_token_metric", null, "Time to the first streamed chunk, in seconds", advice: latency);
        _deploymentSuccess = _meter.CreateCounter<long>("litellm_deployment_success_responses", null, "Upstream calls a deployment answered");
        _deploymentFailure = _meter.CreateCounter<long>("litellm_deployment_failure_responses", null, "Upstream calls a deployment failed");
        _deploymentTotal = _meter.CreateCounter<long>("litellm_deployment_total_requests", null, "Upstream calls made to a deployment");
        _meter.CreateObservableGauge("litellm_deployment_state", () => _states?.Invoke() ?? [], null,
            "0 = healthy, 1 = partial outage (its last call failed), 2 = complete outage (cooling down)");
    }

    /// <summary>Whether anything reads these metrics (Prometheus is on): nothing is recorded otherwise.</summary>
    public bool Enabled => _proxyRequests.Enabled;

    /// <summary>Feeds <c>litellm_deployment_state</c> from the deployments' cooldowns (the state store is created after this).</summary>
    public void ObserveDeployments(IReadOnlyList<ModelDeployment> deployments, DeploymentStateStore state, TimeProvider time) =>
        _states = () =>
        {
            var now = time.GetUtcNow();
            var list = new List<Measurement<int>>(deployments.Count);
            foreach (var d in deployments)
            {
                var value = state.Get(d.Id).CoolingDownUntil > now ? 2 : _lastFailed.TryGetValue(d.Id, out var failed) && failed ? 1 : 0;
                list.Add(new Measurement<int>(value, DeploymentTags(d)));
            }
            return list;
        };

    /// <summary>One upstream call's end (an attempt), for the per-deployment counters.</summary>
    public void RecordAttempt(ModelDeployment deployment, string? modelGroup, bool succeeded, int? status, string? failure)
    {
        _lastFailed[deployment.Id] = !succeeded;
        var tags = DeploymentTags(deployment);
        tags.Add("requested_model", modelGroup);
        _deploymentTotal.Add(1, tags);
        if (succeeded)
        {
            _deploymentSuccess.Add(1, tags);
            return;
        }
        tags.Add("exception_status", status?.ToString(CultureInfo.InvariantCulture));
        tags.Add("exception_class", failure);
        _deploymentFailure.Add(1, tags);
    }

    /// <summary>Bridge's own time for one attempt.</summary>
    public void RecordOverhead(ModelDeployment deployment, TimeSpan overhead) =>
        _overheadLatency.Record(overhead.TotalSeconds, new KeyValuePair<string, object?>("model", deployment.ConfiguredModel), new KeyValuePair<string, object?>("model_id", deployment.Id));

    /// <summary>One request's end: counts, tokens, spend and latencies.</summary>
    public void RecordRequest(string? keyId, string? keyName, string modelGroup, ModelDeployment? deployment, int status,
        long inputTokens, long outputTokens, long costMicros, TimeSpan duration, TimeSpan? timeToFirstToken)
    {
        var key = new TagList
        {
            { "hashed_api_key", keyId },
            { "api_key_alias", keyName },
        };
        var proxy = key;
        proxy.Add("requested_model", modelGroup);
        proxy.Add("status_code", status.ToString(CultureInfo.InvariantCulture));
        _proxyRequests.Add(1, proxy);
        if (status >= 400)
        {
            var failed = key;
            failed.Add("requested_model", modelGroup);
            failed.Add("exception_status", status.ToString(CultureInfo.InvariantCulture));
            _proxyFailures.Add(1, failed);
        }

        var model = key;
        model.Add("model", deployment?.ConfiguredModel);
        _requests.Add(1, model);
        if (costMicros > 0) _spend.Add(costMicros / 1_000_000d, model);
        if (timeToFirstToken is { } ttft) _timeToFirstToken.Record(ttft.TotalSeconds, model);

        var tokens = model;
        tokens.Add("requested_model", modelGroup);
        _totalTokens.Add(inputTokens + outputTokens, tokens);
        _inputTokens.Add(inputTokens, tokens);
        _outputTokens.Add(outputTokens, tokens);
        _totalLatency.Record(duration.TotalSeconds, tokens);
    }

    private static TagList DeploymentTags(ModelDeployment d) => new()
    {
        { "litellm_model_name", d.ConfiguredModel },
        { "model_id", d.Id },
        { "api_base", RoutingHeaders.ApiBase(d) },
        { "api_provider", d.Provider.ToString().ToLowerInvariant() },
    };

    public void Dispose() => _meter.Dispose();
}
