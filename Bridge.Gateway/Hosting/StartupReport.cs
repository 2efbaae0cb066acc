using Bridge.Gateway.Configuration;
using Bridge.Gateway.Diagnostics;
using Bridge.Gateway.Hooks;
using Bridge.Gateway.Usage;

namespace Bridge.Gateway.Hosting;

/// <summary>Logs what the gateway loaded: models, aliases, unavailable deployments, warnings, auth mode.</summary>
public static class StartupReport
{
    public static void Log(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Bridge.Gateway.Startup");
        var config = app.Services.GetRequiredService<BridgeConfig>();
        var options = app.Services.GetRequiredService<GatewayOptions>();
        var hooks = app.Services.GetRequiredService<HookRegistry>();

        foreach (var warning in config.Warnings) GatewayLog.ConfigWarning(logger, warning);
        GatewayLog.ConfigLoaded(logger, config.Deployments.Count, config.Aliases.Count, config.SourcePath ?? "(no config file)");
        foreach (var d in config.Deployments)
        {
            GatewayLog.ModelLoaded(logger, d.ModelName, d.Spec.Name, d.UpstreamModel, d.Id, ApiName(d.Api), d.ApiReason);
            if (!d.IsAvailable) GatewayLog.DeploymentUnavailable(logger, d.Id, d.ModelName, d.UnavailableReason!);
        }
        var unpriced = config.Deployments.Where(d => !Pricing.HasPrice(d)).Select(d => d.Id).ToList();
        if (unpriced.Count > 0) GatewayLog.DeploymentsWithoutPrice(logger, string.Join(", ", unpriced));
        foreach (var (alias, target) in config.Aliases) GatewayLog.AliasLoaded(logger, alias, target);
        foreach (var hook in hooks.Active) GatewayLog.HookActive(logger, hook.Name);

        if (config.MasterKeySource is { } source) GatewayLog.MasterKeyConfigured(logger, source);
        else if (options.AllowNoAuth) GatewayLog.NoAuth(logger);

        var redis = app.Configuration.GetConnectionString("redis");
        if (string.IsNullOrWhiteSpace(redis)) GatewayLog.NoRedis(logger);
        else GatewayLog.RedisConfigured(logger, RedisEndpointForLog(redis));
    }

    private static string ApiName(UpstreamApi api) => api switch
    {
        UpstreamApi.Responses => "the Responses API",
        UpstreamApi.AnthropicMessages => "Anthropic Messages",
        _ => "Chat Completions",
    };

    /// <summary>The host part of a connection string: never the password.</summary>
    private static string RedisEndpointForLog(string connectionString) =>
        connectionString.Split(',', StringSplitOptions.TrimEntries).FirstOrDefault(p => !p.Contains('=')) ?? "(configured)";
}
