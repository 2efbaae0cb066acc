using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Protocols.OpenAIResponses;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Usage;

namespace Bridge.Gateway.Exchanges;

/// <summary>A whole Responses object relayed unchanged; read once for usage, status and an error inside a 200.</summary>
internal sealed class ResponsesPassthroughResponse : JsonBodyTranslator
{
    public static readonly ResponsesPassthroughResponse Instance = new();

    protected override BodyTranslation Translate(JsonElement root, IBufferWriter<byte> output)
    {
        if (root.ValueKind != JsonValueKind.Object) return BodyTranslation.Malformed;
        if (ResponsesErrors.TryReadBody(root, out var message, out var status)) return BodyTranslation.UpstreamError(status, message);
        TokenUsage? usage = ResponsesUsage.TryRead(root, out var u) ? new TokenUsage(u.UncachedInputTokens, u.OutputTokens, u.CachedTokens) : null;
        var finish = root.TryGetProperty("status"u8, out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        return new BodyTranslation(BodyVerdict.Ok, Identity: true, Usage: usage, FinishReason: finish);
    }
}
