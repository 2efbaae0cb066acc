using System.Text.Json;
using Bridge.Gateway.Configuration;

namespace Bridge.Gateway.Translation.OpenAIToAnthropic;

/// <summary>What the request translator needs to know about one Anthropic Messages deployment.</summary>
public sealed record AnthropicTarget
{
    /// <summary>Value written to the outgoing body's <c>model</c>.</summary>
    public required string Model { get; init; }

    /// <summary><c>max_tokens</c> sent when the client set neither <c>max_tokens</c> nor <c>max_completion_tokens</c> (Anthropic requires it).</summary>
    public int DefaultMaxTokens { get; init; } = 4096;

    /// <summary>Upper bound for the <c>max_tokens</c> sent upstream.</summary>
    public int? MaxOutputTokens { get; init; }

    /// <summary>Drop OpenAI-only and unknown client parameters instead of answering 400.</summary>
    public bool DropParams { get; init; }

    /// <summary>
    /// Parameter names that never reach the upstream. Matched against the client's (OpenAI) names,
    /// which are then treated as not set, and against the outgoing (Anthropic) names.
    /// <c>model</c>, <c>messages</c> and <c>max_tokens</c> (required upstream) are always sent.
    /// </summary>
    public IReadOnlyCollection<string> AdditionalDropParams { get; init; } = [];

    /// <summary>
    /// Per-deployment parameters from <c>litellm_params</c>, in OpenAI terms like the client's request: each fills
    /// a field the client left out and is translated with it (<c>reasoning_effort</c> becomes thinking, and so on).
    /// <c>top_k</c> is written as is; defaults with no Anthropic counterpart (<c>seed</c>, penalties, ...) are left out.
    /// </summary>
    public IReadOnlyDictionary<string, JsonElement> DefaultParams { get; init; } =
        new Dictionary<string, JsonElement>();

    /// <summary>The deployment's <c>cache_control_injection_points</c>; null when not configured, empty: none added.</summary>
    public IReadOnlyList<CacheControlInjectionPoint>? CacheControlInjectionPoints { get; init; }

    /// <summary>
    /// Without configured points, add Bridge's default breakpoints (<see cref="CacheBreakpoints"/>). The gateway
    /// sets it for every Anthropic deployment; off here so a translation on its own adds nothing unasked.
    /// </summary>
    public bool DefaultCacheBreakpoints { get; init; }
}
