using Bridge.Gateway.Configuration;

namespace Bridge.Gateway.Hosting;

/// <summary>Command-line and environment handling shared by <c>Program</c> and tests.</summary>
public static class GatewaySetup
{
    public const string DefaultUrl = "http://localhost:4000";

    /// <summary>Removes flag-style switches the configuration binder cannot read (<c>--allow-no-auth</c>).</summary>
    public static string[] ExtractFlags(string[] args, out bool allowNoAuth)
    {
        allowNoAuth = args.Contains("--allow-no-auth");
        return args.Where(a => a != "--allow-no-auth").ToArray();
    }

    /// <summary>
    /// Finds the config file: <c>--config</c>, <c>BRIDGE_CONFIG</c>, <c>Bridge:ConfigPath</c>, else
    /// <c>config.yaml</c> in the working directory if there is one.
    /// </summary>
    public static string? ResolveConfigPath(IConfiguration configuration)
    {
        var path = configuration["config"] ?? configuration["BRIDGE_CONFIG"] ?? configuration["Bridge:ConfigPath"];
        if (!string.IsNullOrWhiteSpace(path)) return FromInvocationDirectory(path);
        var local = FromInvocationDirectory("config.yaml");
        return File.Exists(local) ? local : null;
    }

    /// <summary>
    /// Resolves a relative path against the directory the user ran the command from. <c>dotnet run --project X</c>
    /// starts the app in the project's folder, but the shell's <c>PWD</c> still names where the user was.
    /// </summary>
    public static string FromInvocationDirectory(string path)
    {
        if (Path.IsPathRooted(path)) return path;
        var here = Path.GetFullPath(path);
        if (File.Exists(here)) return here;
        var pwd = Environment.GetEnvironmentVariable("PWD");
        if (!string.IsNullOrEmpty(pwd) && File.Exists(Path.Combine(pwd, path))) return Path.GetFullPath(Path.Combine(pwd, path));
        return here;
    }

    /// <summary>Where <c>os.environ/NAME</c> is looked up: the process environment, then .NET configuration, then a <c>.env</c>.</summary>
    public static EnvironmentSource EnvironmentFor(string? path, IConfiguration? configuration)
    {
        var dotEnv = EnvironmentSource.FromDirectories(path is null ? null : Path.GetDirectoryName(path), Directory.GetCurrentDirectory());
        return new EnvironmentSource(null, name =>
            System.Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value
            : configuration?[name] is { Length: > 0 } configured ? configured
            : dotEnv.Get(name));
    }

    /// <summary>Loads and validates the LiteLLM config; <see cref="ConfigException"/> carries a one-line reason.</summary>
    /// <remarks>
    /// <c>os.environ/NAME</c> is looked up in the process environment, then in <paramref name="configuration"/>
    /// (so user-secrets and Aspire parameters work), then in a <c>.env</c> beside the config or in the working directory.
    /// </remarks>
    public static BridgeConfig LoadConfig(string? path, bool allowNoAuth, IConfiguration? configuration = null)
    {
        if (path is not null && !File.Exists(path)) throw new ConfigException($"{path}: config file not found");
        var env = EnvironmentFor(path, configuration);
        var config = path is null ? ConfigLoader.Parse("", env) : ConfigLoader.LoadFile(path, env);
        if (config.MasterKey is null && !allowNoAuth)
        {
            throw new ConfigException(
                "no master key configured: set general_settings.master_key (e.g. os.environ/LITELLM_MASTER_KEY), BRIDGE_MASTER_KEY or LITELLM_MASTER_KEY, or start with --allow-no-auth for local experiments");
        }
        return config;
    }

    /// <summary>
    /// The gateway's size, time and cache limits: <c>Bridge:*</c> settings first, then what the LiteLLM config says
    /// (<c>general_settings.max_request_size_mb</c>, <c>max_response_size_mb</c>), then the defaults.
    /// </summary>
    public static void ApplyLimits(GatewayOptions options, BridgeConfig config, IConfiguration configuration)
    {
        options.MaxRequestBodyBytes = Positive(configuration, "Bridge:MaxRequestBodyBytes") ?? config.MaxRequestBytes ?? options.MaxRequestBodyBytes;
        options.MaxUpstreamBodyBytes = Positive(configuration, "Bridge:MaxUpstreamBodyBytes") ?? config.MaxResponseBytes ?? options.MaxUpstreamBodyBytes;
        options.MaxUpstreamEventBytes = Positive(configuration, "Bridge:MaxUpstreamEventBytes") ?? options.MaxUpstreamEventBytes;
        if (Positive(configuration, "Bridge:MaxBodyBytesInFlight") is { } inFlight) options.BodyBudget = new Buffers.MemoryBudget(inFlight);
        if (Positive(configuration, "Bridge:DefaultUpstreamTimeoutSeconds") is { } seconds) options.DefaultUpstreamTimeout = TimeSpan.FromSeconds(seconds);
        if (Positive(configuration, "Bridge:StoredResponseTtlSeconds") is { } kept) options.StoredResponseTtl = TimeSpan.FromSeconds(kept);
        if (bool.TryParse(configuration["Bridge:StoreResponsesByDefault"], out var storeByDefault)) options.StoreResponsesByDefault = storeByDefault;
        if (Positive(configuration, "Bridge:KeyCacheEntries") is { } entries) options.KeyCacheEntries = (int)Math.Min(entries, int.MaxValue);
        if (long.TryParse(configuration["Bridge:AuthFailuresPerMinute"], out var failures) && failures >= 0) options.AuthFailuresPerMinute = (int)Math.Min(failures, int.MaxValue);
    }

    private static long? Positive(IConfiguration configuration, string key) =>
        long.TryParse(configuration[key], out var value) && value > 0 ? value : null;
}
