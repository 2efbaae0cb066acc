using Bridge.Gateway.Configuration;

namespace Bridge.Admin.Hosting;

/// <summary>Finds and loads the config exactly as the gateway does, so both read the same file the same way.</summary>
public static class AdminSetup
{
    public const string DefaultUrl = "http://localhost:4001";

    /// <summary><c>--config</c>, else <c>BRIDGE_CONFIG</c>, else <c>config.yaml</c> in the working directory if there is one.</summary>
    public static string? ResolveConfigPath(IConfiguration configuration)
    {
        var path = configuration["config"] ?? configuration["BRIDGE_CONFIG"];
        if (!string.IsNullOrWhiteSpace(path)) return Path.GetFullPath(path);
        var local = Path.GetFullPath("config.yaml");
        return File.Exists(local) ? local : null;
    }

    /// <summary>Loads and validates the config; a missing master key is fatal because it is the admin's only credential.</summary>
    /// <remarks>
    /// <c>os.environ/NAME</c> (and <c>BRIDGE_MASTER_KEY</c>, <c>LITELLM_MASTER_KEY</c>) are looked up in the process
    /// environment, then in <paramref name="configuration"/> (user secrets, Aspire parameters), then in a <c>.env</c>
    /// beside the config or in the working directory.
    /// </remarks>
    public static BridgeConfig LoadConfig(string? path, IConfiguration configuration)
    {
        if (path is not null && !File.Exists(path)) throw new ConfigException($"{path}: config file not found");
        var dotEnv = EnvironmentSource.FromDirectories(path is null ? null : Path.GetDirectoryName(path), Directory.GetCurrentDirectory());
        var env = new EnvironmentSource(null, name =>
            Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value
            : configuration[name] is { Length: > 0 } configured ? configured
            : dotEnv.Get(name));
        var config = path is null ? ConfigLoader.Parse("", env) : ConfigLoader.LoadFile(path, env);
        if (config.MasterKey is null)
        {
            throw new ConfigException(
                "no master key configured, and the admin signs in with it: set general_settings.master_key (e.g. os.environ/LITELLM_MASTER_KEY), BRIDGE_MASTER_KEY or LITELLM_MASTER_KEY");
        }
        return config;
    }

    /// <summary>True when nothing chose the listening address, so the admin's default port applies.</summary>
    public static bool HasNoUrls(IConfiguration configuration) =>
        string.IsNullOrEmpty(configuration["urls"]) && string.IsNullOrEmpty(configuration["ASPNETCORE_URLS"])
        && string.IsNullOrEmpty(configuration["HTTP_PORTS"]) && string.IsNullOrEmpty(configuration["HTTPS_PORTS"]);
}
