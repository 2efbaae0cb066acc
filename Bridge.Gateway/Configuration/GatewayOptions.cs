namespace Bridge.Gateway.Configuration;

/// <summary>Host-level settings that are not part of the LiteLLM config file.</summary>
public sealed class GatewayOptions
{
    /// <summary>Path of the LiteLLM-format config (<c>--config</c>, <c>BRIDGE_CONFIG</c>).</summary>
    public string? ConfigPath { get; set; }
    /// <summary>Run without any master key (<c>--allow-no-auth</c>); only for local experiments.</summary>
    public bool AllowNoAuth { get; set; }
    /// <summary>Largest request body accepted, in bytes (<c>Bridge:MaxRequestBodyBytes</c>); default 32 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 32 * 1024 * 1024;
    /// <summary>Interval of <c>ping</c> events while an upstream stream is silent.</summary>
    public TimeSpan StreamPingInterval { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>Key limits while Redis is unreachable (<c>Bridge:LimitsWhenRedisDown</c>: <c>local</c> or <c>deny</c>).</summary>
    public RedisDownLimits LimitsWhenRedisDown { get; set; } = RedisDownLimits.Local;

    /// <summary>The setting's value as written in configuration and shown by <c>/health/deployments</c>.</summary>
    public string LimitsWhenRedisDownName => LimitsWhenRedisDown == RedisDownLimits.Deny ? "deny" : "local";
}
