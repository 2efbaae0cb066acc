using Bridge.Gateway.State;
using Bridge.Gateway.Configuration;

namespace Bridge.Admin.Hosting;

/// <summary>Logs what the admin loaded: config file, counts, warnings, master key source (never the value), Redis.</summary>
public static class AdminStartupReport
{
    public static void Log(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Bridge.Admin.Startup");
        var config = app.Services.GetRequiredService<BridgeConfig>();

        foreach (var warning in config.Warnings) AdminLog.ConfigWarning(logger, warning);
        AdminLog.ConfigLoaded(logger, config.Deployments.Count, config.Aliases.Count, config.SourcePath ?? "(no config file)");
        AdminLog.MasterKeyConfigured(logger, config.MasterKeySource ?? "(unknown)");

        var redis = app.Services.GetRequiredService<RedisConnection>();
        if (!redis.IsConfigured) AdminLog.RedisNotConfigured(logger);
    }
}
