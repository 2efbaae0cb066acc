using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.AnthropicToOpenAI;
using Bridge.Gateway.Usage;

namespace Bridge.Gateway.Exchanges;

/// <summary>A whole Chat Completions answer -> an Anthropic message.</summary>
internal sealed class MessagesToChatResponse(string requestedModel, ToolNameMap toolNames, IReadOnlyList<string> stopSequences) : JsonBodyTranslator
{
    protected override BodyTranslation Translate(JsonElement upstream, IBufferWriter<byte> output)
    {
        var translated = OpenAIToAnthropicResponse.Translate(upstream, requestedModel, toolNames, stopSequences, output);
        if (!translated.Ok) return BodyTranslation.UpstreamError(translated.ErrorStatus, translated.ErrorMessage ?? "upstream answered with an error");
        return new BodyTranslation(BodyVerdict.Ok,
            Usage: new TokenUsage(translated.InputTokens, translated.OutputTokens, translated.CachedTokens),
            FinishReason: translated.StopReason);
    }
}
