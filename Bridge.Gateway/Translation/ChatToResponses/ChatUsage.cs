using System.Text.Json;
using Bridge.Gateway.Protocols.OpenAIResponses;

namespace Bridge.Gateway.Translation.ChatToResponses;

/// <summary>
/// A Responses <c>usage</c> written as Chat Completions': <c>input_tokens</c> is <c>prompt_tokens</c> and
/// <c>output_tokens</c> <c>completion_tokens</c> (both APIs count cached and reasoning tokens inside them).
/// </summary>
internal static class ChatUsage
{
    public static void Write(Utf8JsonWriter writer, ResponsesUsage usage)
    {
        writer.WriteStartObject("usage"u8);
        writer.WriteNumber("prompt_tokens"u8, usage.InputTokens);
        writer.WriteNumber("completion_tokens"u8, usage.OutputTokens);
        writer.WriteNumber("total_tokens"u8, usage.InputTokens + usage.OutputTokens);
        writer.WriteStartObject("prompt_tokens_details"u8);
        writer.WriteNumber("cached_tokens"u8, usage.CachedTokens);
        writer.WriteEndObject();
        writer.WriteStartObject("completion_tokens_details"u8);
        writer.WriteNumber("reasoning_tokens"u8, usage.ReasoningTokens);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
