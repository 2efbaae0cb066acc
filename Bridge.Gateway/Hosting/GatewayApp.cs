using Bridge.Gateway.Endpoints;
using Bridge.Gateway.Hooks;

namespace Bridge.Gateway.Hosting;

/// <summary>Builds the gateway application; used by <c>Program</c> and by tests that host it on a real port.</summary>
public static class GatewayApp
{
    /// <summary>Throws <see cref="Configuration.ConfigException"/> when the configuration is invalid.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var remaining = GatewaySetup.ExtractFlags(args, out var allowNoAuth);
        var builder = WebApplication.CreateBuilder(remaining);
        // Framework chatter stays out of the logs; these are defaults that appsettings or env can override.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        // This category only logs request start/finish (Information), but while it is enabled at any level ASP.NET
        // Core starts an Activity for every request even when nothing listens (and HttpClient then propagates it
        // upstream): measurable CPU on the hot path. With OpenTelemetry on, the activity is still created for it.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.AddServiceDefaults();
        configure?.Invoke(builder);
        builder.AddBridgeGateway(allowNoAuth);

        var app = builder.Build();
        _ = app.Services.GetRequiredService<HookRegistry>(); // unknown hook names fail here, before listening
        app.MapDefaultEndpoints();
        app.MapBridgeGateway();
        StartupReport.Log(app);
        return app;
    }
}
