using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.AnthropicToResponses;
using Bridge.Gateway.Usage;

namespace Bridge.Gateway.Exchanges;

/// <summary>A whole Responses <c>response</c> object -> an Anthropic message.</summary>
internal sealed class MessagesToResponsesResponse(string requestedModel, ToolNameMap toolNames, byte[] signatureKey) : JsonBodyTranslator
{
    protected override BodyTranslation Translate(JsonElement upstream, IBufferWriter<byte> output)
    {
        var translated = ResponsesToAnthropicResponse.Translate(upstream, requestedModel, toolNames, signatureKey, output);
        if (!translated.Ok) return BodyTranslation.UpstreamError(translated.ErrorStatus, translated.ErrorMessage ?? "upstream answered with an error");
        return new BodyTranslation(BodyVerdict.Ok,
            Usage: new TokenUsage(translated.InputTokens, translated.OutputTokens, translated.CachedTokens),
            FinishReason: translated.StopReason);
    }
}
