using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Translation.ChatToResponses;
using Bridge.Gateway.Usage;

namespace Bridge.Gateway.Exchanges;

/// <summary>A whole Responses <c>response</c> object -> a chat completion.</summary>
internal sealed class ChatToResponsesResponse(string requestedModel) : JsonBodyTranslator
{
    protected override BodyTranslation Translate(JsonElement upstream, IBufferWriter<byte> output)
    {
        var translated = ResponsesResponseToChat.Translate(upstream, requestedModel, output);
        if (!translated.Ok) return BodyTranslation.UpstreamError(translated.ErrorStatus, translated.ErrorMessage ?? "upstream answered with an error");
        return new BodyTranslation(BodyVerdict.Ok,
            Usage: new TokenUsage(translated.PromptTokens - translated.CachedTokens, translated.CompletionTokens, translated.CachedTokens),
            FinishReason: translated.FinishReason);
    }
}
