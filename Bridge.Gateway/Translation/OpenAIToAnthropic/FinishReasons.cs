namespace Bridge.Gateway.Translation.OpenAIToAnthropic;

/// <summary>
/// Anthropic <c>stop_reason</c> -> OpenAI <c>finish_reason</c>. <c>pause_turn</c> (a server tool
/// paused a long turn) has no OpenAI equivalent and maps to <c>stop</c>: the client sees a finished
/// answer and may continue the conversation. Unknown or missing values map to <c>stop</c>.
/// </summary>
internal static class FinishReasons
{
    public static string FromStopReason(string? stopReason) => stopReason switch
    {
        "max_tokens" or "model_context_window_exceeded" => "length",
        "tool_use" => "tool_calls",
        "refusal" => "content_filter",
        _ => "stop", // end_turn, stop_sequence, pause_turn, null, new values
    };
}
