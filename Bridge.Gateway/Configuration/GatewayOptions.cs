using Bridge.Gateway.Buffers;

namespace Bridge.Gateway.Configuration;

/// <summary>Host-level settings that are not part of the LiteLLM config file.</summary>
public sealed class GatewayOptions
{
    /// <summary>Path of the LiteLLM-format config (<c>--config</c>, <c>BRIDGE_CONFIG</c>).</summary>
    public string? ConfigPath { get; set; }
    /// <summary>Run without any master key (<c>--allow-no-auth</c>); only for local experiments.</summary>
    public bool AllowNoAuth { get; set; }
    /// <summary>
    /// Largest request body accepted, in bytes (<c>Bridge:MaxRequestBodyBytes</c>, else LiteLLM's
    /// <c>general_settings.max_request_size_mb</c>); default 32 MiB.
    /// </summary>
    public long MaxRequestBodyBytes { get; set; } = 32 * 1024 * 1024;
    /// <summary>
    /// What all request bodies being read or served may hold together (<c>Bridge:MaxBodyBytesInFlight</c>); default a
    /// quarter of the memory the runtime may use, between 64 MiB and 1 GiB. Past it a request gets a 503 with Retry-After.
    /// </summary>
    public MemoryBudget BodyBudget { get; set; } = new(DefaultBodyBytesInFlight());
    /// <summary>Largest non-streaming upstream body (<c>Bridge:MaxUpstreamBodyBytes</c>, else <c>general_settings.max_response_size_mb</c>); default 64 MiB.</summary>
    public long MaxUpstreamBodyBytes { get; set; } = 64 * 1024 * 1024;
    /// <summary>Largest single SSE line or event from an upstream stream (<c>Bridge:MaxUpstreamEventBytes</c>); default 16 MiB.</summary>
    public long MaxUpstreamEventBytes { get; set; } = 16 * 1024 * 1024;
    /// <summary>
    /// Overall limit of a non-streaming upstream call when neither the deployment nor <c>router_settings.timeout</c> /
    /// <c>litellm_settings.request_timeout</c> sets one (<c>Bridge:DefaultUpstreamTimeoutSeconds</c>); default 600 s.
    /// Streams are bounded by their first-token and idle timeouts instead.
    /// </summary>
    public TimeSpan DefaultUpstreamTimeout { get; set; } = TimeSpan.FromSeconds(600);
    /// <summary>Presented keys remembered (found or not) by the key cache (<c>Bridge:KeyCacheEntries</c>); default 10,000.</summary>
    public int KeyCacheEntries { get; set; } = 10_000;
    /// <summary>
    /// Failed authentications one client address may make per minute before it gets 429s
    /// (<c>Bridge:AuthFailuresPerMinute</c>); default 20, 0 turns the throttle off.
    /// </summary>
    public int AuthFailuresPerMinute { get; set; } = 20;
    /// <summary>Interval of <c>ping</c> events while an upstream stream is silent.</summary>
    /// <summary>
    /// How long a stored Responses answer (<c>store</c>, <c>previous_response_id</c>) is kept after it was last used
    /// (<c>Bridge:StoredResponseTtlSeconds</c>); default one hour.
    /// </summary>
    public TimeSpan StoredResponseTtl { get; set; } = TimeSpan.FromHours(1);
    /// <summary>
    /// Whether a Responses request that does not say <c>store</c> is stored, as OpenAI does (<c>Bridge:StoreResponsesByDefault</c>,
    /// default true); false stores only what asks for it with <c>store: true</c>.
    /// </summary>
    public bool StoreResponsesByDefault { get; set; } = true;
    public TimeSpan StreamPingInterval { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>Key limits while Redis is unreachable (<c>Bridge:LimitsWhenRedisDown</c>: <c>local</c> or <c>deny</c>).</summary>
    public RedisDownLimits LimitsWhenRedisDown { get; set; } = RedisDownLimits.Local;

    /// <summary>The setting's value as written in configuration and shown by <c>/health/deployments</c>.</summary>
    public string LimitsWhenRedisDownName => LimitsWhenRedisDown == RedisDownLimits.Deny ? "deny" : "local";

    private static long DefaultBodyBytesInFlight() =>
        Math.Clamp(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4, 64L * 1024 * 1024, 1024L * 1024 * 1024);
}
