using Bridge.Gateway.Configuration;
using Bridge.Gateway.Endpoints;
using Bridge.Gateway.Routing;
using OpenTelemetry.Metrics;

namespace Bridge.Gateway.Diagnostics;

/// <summary>
/// <c>GET /metrics</c> in Prometheus's text format, turned on as in LiteLLM by <c>litellm_settings.callbacks:
/// ["prometheus"]</c>: Bridge's own <c>gen_ai.*</c> and <c>bridge.*</c> metrics through the OpenTelemetry Prometheus
/// exporter, plus LiteLLM's names (<see cref="LiteLlmMetrics"/>). As in current LiteLLM, the endpoint needs the master
/// key unless <c>litellm_settings.require_auth_for_metrics_endpoint</c> is <c>false</c>; a virtual key gets a 403.
/// </summary>
public static class PrometheusEndpoint
{
    /// <summary>The <c>callbacks</c> entry that turns it on.</summary>
    public const string CallbackName = "prometheus";
    public const string Path = "/metrics";

    public static bool Enabled(BridgeConfig config) => config.PrometheusCallback;

    /// <summary>Whether the endpoint answers without a key.</summary>
    public static bool IsPublic(BridgeConfig config) => Enabled(config) && !config.RequireAuthForMetrics;

    /// <summary><c>/metrics</c>, or <c>/metrics/</c> as LiteLLM's scrape configs often write it.</summary>
    public static bool IsPath(PathString path) => path.Equals(Path, StringComparison.Ordinal) || path.Equals(Path + "/", StringComparison.Ordinal);

    public static IServiceCollection AddBridgePrometheus(this IServiceCollection services, BridgeConfig config)
    {
        if (!Enabled(config)) return services;
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(Microsoft.Extensions.Hosting.Extensions.BridgeTelemetryPattern, LiteLlmMetrics.MeterName)
            // Every scrape sees the counts as they are: a scrape is rare, a stale one misleads.
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }

    public static WebApplication MapBridgePrometheus(this WebApplication app)
    {
        var config = app.Services.GetRequiredService<BridgeConfig>();
        if (!Enabled(config)) return app;
        app.Services.GetRequiredService<GatewayTelemetry>().LiteLlm.ObserveDeployments(config.Deployments,
            app.Services.GetRequiredService<DeploymentStateStore>(), app.Services.GetRequiredService<TimeProvider>());
        app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: branch =>
        {
            if (!config.RequireAuthForMetrics) return;
            // The gateway middleware has authenticated the caller already; only a master key may read the metrics
            // (they name every key and model).
            branch.Use(async (context, next) =>
            {
                if (!GatewayMiddleware.CallerOf(context).IsMaster)
                {
                    await ErrorResponses.WriteAsync(context, 403,
                        "The metrics endpoint needs a master key (or litellm_settings.require_auth_for_metrics_endpoint: false).");
                    return;
                }
                await next(context);
            });
        }, optionsName: null);
        return app;
    }
}
