using Bridge.Gateway.Translation.OpenAIToAnthropic;
using Bridge.Gateway.Translation.ResponsesToChat;

namespace Bridge.Gateway.Translation.ResponsesToMessages;

/// <summary>Anthropic usage in the Responses API's terms, and Anthropic stop reasons as Responses statuses.</summary>
internal static class MessagesUsage
{
    /// <summary>
    /// <c>input_tokens</c> = Anthropic input + cache reads + cache writes (Responses counts cached tokens in
    /// the input), <c>cached_tokens</c> = cache reads (cache writes are kept apart for the gateway's own record), <c>output_tokens</c> = output (thinking included;
    /// Anthropic does not report the thinking part, so <c>reasoning_tokens</c> is 0).
    /// </summary>
    public static ChatCompletionUsage ToResponses(AnthropicUsage usage) =>
        new(usage.PromptTokens, usage.OutputTokens, usage.CacheReadTokens, 0, usage.PromptTokens + usage.OutputTokens, usage.CacheCreationTokens);

    /// <summary>Responses status for an Anthropic <c>stop_reason</c>: (status, incomplete_details.reason).</summary>
    public static (string Status, string? IncompleteReason) StatusOf(string? stopReason) => stopReason switch
    {
        "max_tokens" or "model_context_window_exceeded" => ("incomplete", "max_output_tokens"),
        "refusal" => ("incomplete", "content_filter"),
        _ => ("completed", null),
    };
}
