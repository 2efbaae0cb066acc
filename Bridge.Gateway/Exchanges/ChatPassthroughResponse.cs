using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Relay;

namespace Bridge.Gateway.Exchanges;

/// <summary>A whole chat completion relayed unchanged; read once for usage, the finish reason, and an error inside a 200.</summary>
internal sealed class ChatPassthroughResponse : JsonBodyTranslator
{
    public static readonly ChatPassthroughResponse Instance = new();

    protected override BodyTranslation Translate(JsonElement root, IBufferWriter<byte> output)
    {
        if (root.ValueKind != JsonValueKind.Object) return BodyTranslation.Malformed;
        if (root.TryGetProperty("error"u8, out var error) && error.ValueKind == JsonValueKind.Object && !root.TryGetProperty("choices"u8, out _))
        {
            var (status, message) = ChatOutcome.ErrorOf(root);
            return BodyTranslation.UpstreamError(status, message);
        }
        var outcome = new ChatOutcome();
        outcome.Read(root);
        return new BodyTranslation(BodyVerdict.Ok, Identity: true, Usage: outcome.Usage, FinishReason: outcome.FinishReason);
    }
}
