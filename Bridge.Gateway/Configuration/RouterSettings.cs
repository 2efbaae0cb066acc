namespace Bridge.Gateway.Configuration;

/// <summary><c>router_settings</c> plus the retry knobs LiteLLM also accepts under <c>litellm_settings</c>.</summary>
public sealed class RouterSettings
{
    public string RoutingStrategy { get; init; } = "simple-shuffle";
    /// <summary><c>num_retries</c>: further attempts after a failure, on other deployments of the group first. Default 2.</summary>
    public int NumRetries { get; init; } = 2;
    public TimeSpan? Timeout { get; init; }
    public int AllowedFails { get; init; } = 3;
    public TimeSpan CooldownTime { get; init; } = TimeSpan.FromSeconds(5);
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Fallbacks { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ContextWindowFallbacks { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ContentPolicyFallbacks { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
    /// <summary>
    /// <c>retry_policy</c>: retries per error kind (LiteLLM names: <c>RateLimitErrorRetries</c>, <c>TimeoutErrorRetries</c>,
    /// <c>InternalServerErrorRetries</c>, <c>ContentPolicyViolationErrorRetries</c>, <c>AuthenticationErrorRetries</c>,
    /// <c>BadRequestErrorRetries</c>); a kind not listed uses <see cref="NumRetries"/>.
    /// </summary>
    public IReadOnlyDictionary<string, int> RetryPolicy { get; init; } = new Dictionary<string, int>();
    /// <summary><c>routing_strategy_args.lowest_latency_buffer</c> for latency-based routing.</summary>
    public double? LowestLatencyBuffer { get; init; }
    /// <summary>Default time to the first streamed chunk before failing over (<c>first_token_timeout</c>).</summary>
    public TimeSpan? FirstTokenTimeout { get; init; }
    /// <summary>Default longest silence between streamed chunks once streaming (<c>stream_idle_timeout</c>).</summary>
    public TimeSpan StreamIdleTimeout { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>
    /// <c>session_affinity</c> (Bridge's own, default true): a request that names a session goes to the deployment its
    /// session used last while that one is usable, so the deployment's prompt cache holds its prefix.
    /// </summary>
    public bool SessionAffinity { get; init; } = true;
}
