using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Wiring shared by every Bridge service: OpenTelemetry (logs, traces, metrics to the Aspire
/// dashboard over OTLP), health endpoints, service discovery and default HTTP resilience.
/// </summary>
public static class Extensions
{
    /// <summary>Activity sources and meters of every Bridge service (<c>Bridge.Gateway</c>, <c>Bridge.Admin</c>).</summary>
    public const string BridgeTelemetryPattern = "Bridge.*";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        return builder;
    }

    /// <remarks>
    /// The OpenTelemetry SDK is wired only when an OTLP endpoint is configured (always the case under the
    /// AppHost): without an exporter, sampling every request would cost CPU on the hot path for nothing.
    /// Bridge's own activities and instruments are still created, so in-process listeners (tests) see them.
    /// </remarks>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) return builder;

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(BridgeTelemetryPattern))
            .WithTracing(tracing => tracing
                .AddSource(BridgeTelemetryPattern, builder.Environment.ApplicationName)
                .AddAspNetCoreInstrumentation(o =>
                    // Health probes would drown the dashboard in noise.
                    o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/health") && !ctx.Request.Path.StartsWithSegments("/alive"))
                .AddHttpClientInstrumentation()
                // Only Redis calls made while serving a request: background refreshes would flood the dashboard.
                .AddRedisInstrumentation(o => o.Filter = command => command.ParentActivity is not null))
            .UseOtlpExporter();

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health");
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") });
        return app;
    }
}
