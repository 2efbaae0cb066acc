using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Protocols.Anthropic;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Translation.OpenAIToAnthropic;
using Bridge.Gateway.Usage;

namespace Bridge.Gateway.Exchanges;

/// <summary>A whole Anthropic message -> a chat completion.</summary>
internal sealed class ChatToMessagesResponse(string requestedModel) : JsonBodyTranslator
{
    protected override BodyTranslation Translate(JsonElement upstream, IBufferWriter<byte> output)
    {
        var translated = MessagesResponseToChat.Translate(upstream, requestedModel, output);
        if (!translated.Ok)
        {
            return BodyTranslation.UpstreamError(AnthropicErrors.StatusForType(translated.ErrorType), translated.ErrorMessage ?? "upstream answered with an error");
        }
        return new BodyTranslation(BodyVerdict.Ok,
            Usage: new TokenUsage(translated.PromptTokens - translated.CachedTokens - translated.CacheCreationTokens, translated.CompletionTokens,
                translated.CachedTokens, translated.CacheCreationTokens),
            FinishReason: translated.FinishReason);
    }
}
