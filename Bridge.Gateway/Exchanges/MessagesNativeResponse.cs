using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Protocols.Anthropic;
using Bridge.Gateway.Relay;

namespace Bridge.Gateway.Exchanges;

/// <summary>A whole Anthropic answer (a message, or count_tokens' count) relayed unchanged; read once for usage and errors.</summary>
internal sealed class MessagesNativeResponse : JsonBodyTranslator
{
    public static readonly MessagesNativeResponse Instance = new();

    protected override BodyTranslation Translate(JsonElement root, IBufferWriter<byte> output)
    {
        if (root.ValueKind != JsonValueKind.Object) return BodyTranslation.Malformed;
        if (MessagesNativeStream.IsError(root, out var status, out var message)) return BodyTranslation.UpstreamError(status, message);
        var scanner = new AnthropicUsageScanner();
        scanner.FeedMessage(root);
        return new BodyTranslation(BodyVerdict.Ok, Identity: true, Usage: scanner.Usage, FinishReason: scanner.StopReason);
    }
}
