using System.Text.Json;

namespace Bridge.Gateway.Translation;

/// <summary>
/// What the request translator needs to know about one OpenAI-format deployment.
/// </summary>
public sealed record OpenAITarget
{
    /// <summary>Value written to the outgoing body's <c>model</c>.</summary>
    public required string Model { get; init; }

    /// <summary>
    /// gpt-5*, o1/o3/o4*: <c>max_completion_tokens</c> instead of <c>max_tokens</c>, no
    /// <c>temperature</c> other than 1, no <c>top_p</c>/<c>stop</c>/penalties; <c>reasoning_effort</c> allowed.
    /// </summary>
    public bool IsReasoningModel { get; init; }

    /// <summary>Upper bound for the output token limit sent upstream.</summary>
    public int? MaxOutputTokens { get; init; }

    /// <summary>Drop unknown client parameters instead of forwarding them.</summary>
    public bool DropParams { get; init; }

    /// <summary>
    /// Parameter names never forwarded. Matched against the client's (Anthropic) names and
    /// against the outgoing (OpenAI) names, so "temperature" or "user" removes those keys.
    /// </summary>
    public IReadOnlyCollection<string> AdditionalDropParams { get; init; } = [];

    /// <summary>
    /// Per-deployment parameters (OpenAI names) added to the outgoing request when the client's
    /// request did not set them. Reasoning deployments still never get what they reject.
    /// </summary>
    public IReadOnlyDictionary<string, JsonElement> DefaultParams { get; init; } =
        new Dictionary<string, JsonElement>();

    /// <summary>
    /// <c>prompt_cache_key</c> for this request (derived from its session, never the raw id), or null. Written unless the
    /// client sent its own or <c>prompt_cache_key</c> is in <see cref="AdditionalDropParams"/>; OpenAI routes requests
    /// with the same key and prefix to the same cache.
    /// </summary>
    public string? PromptCacheKey { get; init; }

    /// <summary>Add <c>stream_options.include_usage</c> to streaming requests.</summary>
    public bool IncludeStreamUsage { get; init; } = true;

    /// <summary>True for model names of the gpt-5 and o-series families (o1, o3, o4...).</summary>
    public static bool LooksLikeReasoningModel(string modelName)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        var name = modelName.AsSpan().Trim();
        // "azure/gpt-5-mini", "openai/o3": look at the last path segment only.
        var slash = name.LastIndexOf('/');
        if (slash >= 0)
        {
            name = name[(slash + 1)..];
        }

        if (name.StartsWith("gpt-5", StringComparison.OrdinalIgnoreCase))
        {
            // gpt-5-chat(-latest) is the non-reasoning chat variant.
            return !name.StartsWith("gpt-5-chat", StringComparison.OrdinalIgnoreCase)
                && !name.Contains("-chat-", StringComparison.OrdinalIgnoreCase);
        }

        return name.Length >= 2
            && (name[0] == 'o' || name[0] == 'O')
            && char.IsAsciiDigit(name[1]);
    }
}
