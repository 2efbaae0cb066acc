using System.Text.Json;
using Bridge.Gateway.Buffers;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Routing;

namespace Bridge.Gateway.Endpoints;

/// <summary>
/// <c>GET /health/deployments</c> (master key only): every deployment with its state (healthy, cooling down
/// until T, at limit, unavailable), in-flight count, recent latency and error rate, and this minute's usage.
/// The <c>x-bridge-limits-when-redis-down</c> header says which policy applies to key limits during a Redis outage.
/// </summary>
public static class DeploymentHealthEndpoint
{
    public static IEndpointRouteBuilder MapDeploymentHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/deployments", WriteAsync);
        return app;
    }

    public const string RedisDownPolicyHeader = "x-bridge-limits-when-redis-down";
    /// <summary>Why the config file's last change did not load (the previous deployments keep serving); absent when it loaded.</summary>
    public const string ConfigErrorHeader = "x-bridge-config-error";

    private static async Task WriteAsync(HttpContext context, Models.ModelCatalog catalog, DeploymentStateStore state, TimeProvider time, GatewayOptions options,
        Models.Stored.ModelSources sources)
    {
        if (!GatewayMiddleware.CallerOf(context).IsMaster)
        {
            await ErrorResponses.WriteAsync(context, 403, "Deployment health needs a master key.");
            return;
        }

        if (sources.FileError is { } configError)
        {
            // A header value is one line of ASCII.
            context.Response.Headers[ConfigErrorHeader] = new string(configError.Select(c => c is >= ' ' and <= '~' ? c : ' ').ToArray());
        }
        var now = time.GetUtcNow();
        using var output = new PooledBufferWriter(2048);
        using (var w = new Utf8JsonWriter(output))
        {
            w.WriteStartArray();
            foreach (var d in catalog.Deployments)
            {
                var stats = state.Get(d.Id);
                var cooling = stats.CoolingDownUntil is { } until && until > now;
                var atLimit = (d.Rpm is { } rpm && stats.RpmUsed >= rpm) || (d.Tpm is { } tpm && stats.TpmUsed >= tpm);
                w.WriteStartObject();
                w.WriteString("id", d.Id);
                w.WriteString("model_name", d.ModelName);
                w.WriteString("provider", d.Spec.Name);
                if (d.ApiBase is not null && Uri.TryCreate(d.ApiBase, UriKind.Absolute, out var root)) w.WriteString("api_host", root.Authority);
                if (d.Wildcard is not null) w.WriteString("wildcard", d.Wildcard.Pattern);
                w.WriteString("upstream_model", d.UpstreamModel);
                w.WriteString("state", !d.IsAvailable ? "unavailable" : cooling ? "cooling_down" : atLimit ? "at_limit" : "healthy");
                if (!d.IsAvailable) w.WriteString("unavailable_reason", d.UnavailableReason);
                if (cooling)
                {
                    w.WriteString("cooling_down_until", stats.CoolingDownUntil!.Value);
                    w.WriteString("cooldown_reason", state.CooldownReason(d.Id));
                }
                w.WriteNumber("in_flight", stats.InFlight);
                WriteNullable(w, "latency_ms", stats.LatencyEwmaMs);
                WriteNullable(w, "ttft_ms", stats.TtftEwmaMs);
                WriteNullable(w, "error_rate", state.ErrorRate(d.Id));
                w.WriteNumber("rpm_used", stats.RpmUsed);
                if (d.Rpm is { } rpmLimit) w.WriteNumber("rpm_limit", rpmLimit);
                w.WriteNumber("tpm_used", stats.TpmUsed);
                if (d.Tpm is { } tpmLimit) w.WriteNumber("tpm_limit", tpmLimit);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        context.Response.ContentType = "application/json";
        context.Response.Headers[RedisDownPolicyHeader] = options.LimitsWhenRedisDownName;
        await context.Response.Body.WriteAsync(output.WrittenMemory, context.RequestAborted);
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v) w.WriteNumber(name, Math.Round(v, 3));
        else w.WriteNull(name);
    }
}
