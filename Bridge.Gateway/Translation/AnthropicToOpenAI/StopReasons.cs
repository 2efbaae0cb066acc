namespace Bridge.Gateway.Translation.AnthropicToOpenAI;

/// <summary>
/// OpenAI <c>finish_reason</c> -> Anthropic <c>stop_reason</c>.
/// OpenAI does not say which stop sequence ended the text, so <c>stop</c> maps to
/// <c>end_turn</c>; only when the upstream names the matched string (vLLM-style
/// <c>choices[].stop_reason</c>) and it is one of the request's stop sequences do we answer
/// <c>stop_sequence</c> with that string.
/// </summary>
internal static class StopReasons
{
    public static string FromFinishReason(string? finishReason, bool hasToolUse, string? matchedStopSequence) => finishReason switch
    {
        "length" => "max_tokens",
        "tool_calls" or "function_call" => "tool_use",
        "content_filter" => "refusal",
        _ when hasToolUse => "tool_use", // some servers say "stop" after tool calls
        _ when matchedStopSequence is not null => "stop_sequence",
        _ => "end_turn",
    };

    /// <summary>The upstream's named stop string when it is one of the client's stop sequences.</summary>
    public static string? MatchStopSequence(string? upstreamStopReason, IReadOnlyList<string> stopSequences)
    {
        if (upstreamStopReason is null)
        {
            return null;
        }

        foreach (var stop in stopSequences)
        {
            if (string.Equals(stop, upstreamStopReason, StringComparison.Ordinal))
            {
                return stop;
            }
        }

        return null;
    }
}
