namespace Bridge.Gateway.Translation.AnthropicToResponses;

/// <summary>
/// A Responses outcome -> Anthropic <c>stop_reason</c>. <c>status: incomplete</c> names its reason in
/// <c>incomplete_details.reason</c>: <c>max_output_tokens</c> (OpenAI's reference examples also show
/// <c>max_tokens</c>) -> <c>max_tokens</c>, <c>content_filter</c> -> <c>refusal</c>. A completed
/// response with function calls -> <c>tool_use</c>; one whose answer is a refusal part -> <c>refusal</c>;
/// else <c>end_turn</c>. Responses has no stop sequences, so never <c>stop_sequence</c>.
/// </summary>
public static class ResponsesStopReasons
{
    public static string From(string? status, string? incompleteReason, bool hasToolUse, bool hasRefusal)
    {
        if (status == "incomplete")
        {
            switch (incompleteReason)
            {
                case "max_output_tokens" or "max_tokens":
                    return "max_tokens";
                case "content_filter":
                    return "refusal";
            }
        }

        if (hasToolUse)
        {
            return "tool_use";
        }

        return hasRefusal ? "refusal" : "end_turn";
    }
}
