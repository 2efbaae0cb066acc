namespace Bridge.Gateway.Configuration;

/// <summary><c>router_settings</c> plus the retry knobs LiteLLM also accepts under <c>litellm_settings</c>.</summary>
public sealed class RouterSettings
{
    public string RoutingStrategy { get; init; } = "simple-shuffle";
    public int NumRetries { get; init; }
    public TimeSpan? Timeout { get; init; }
    public int AllowedFails { get; init; } = 3;
    public TimeSpan CooldownTime { get; init; } = TimeSpan.FromSeconds(5);
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Fallbacks { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ContextWindowFallbacks { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ContentPolicyFallbacks { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
}
