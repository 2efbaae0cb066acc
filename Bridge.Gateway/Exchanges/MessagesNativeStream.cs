using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Pipeline;
using Bridge.Gateway.Protocols.Anthropic;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Usage;

namespace Bridge.Gateway.Exchanges;

/// <summary>
/// An Anthropic stream relayed event by event, unchanged (<c>event:</c> and <c>data:</c> as they came). Only the
/// first event is checked (an <c>error</c> event or unreadable data there can still fail over); after it, events are
/// parsed only when they mention usage.
/// </summary>
internal sealed class MessagesNativeStream : IStreamTranslator
{
    private readonly AnthropicUsageScanner _scanner = new();
    private bool _ready;

    public StreamStep OnItem(string eventType, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        if (!_ready)
        {
            if (!JsonShape.IsObject(data))
            {
                ErrorMessage = $"upstream sent a '{eventType}' event whose data is not a JSON object";
                return StreamStep.UpstreamError;
            }
            if (eventType == "error")
            {
                var reader = new Utf8JsonReader(data);
                using var document = JsonDocument.ParseValue(ref reader);
                IsError(document.RootElement, out var status, out var message);
                (ErrorStatus, ErrorMessage) = (status, message);
                return StreamStep.UpstreamError;
            }
            _ready = true;
        }
        _scanner.FeedEvent(data);
        var prefix = FramePrefix(eventType);
        if (prefix.IsEmpty) AnthropicSse.WriteFrameStart(output, eventType);
        else output.Write(prefix);
        output.Write(data);
        AnthropicSse.WriteFrameEnd(output);
        return StreamStep.Continue;
    }

    /// <summary>The frame start of Anthropic's own event types, pre-encoded: no per-event encoding on the hot path.</summary>
    private static ReadOnlySpan<byte> FramePrefix(string eventType) => eventType switch
    {
        "content_block_delta" => "event: content_block_delta\ndata: "u8,
        "content_block_start" => "event: content_block_start\ndata: "u8,
        "content_block_stop" => "event: content_block_stop\ndata: "u8,
        "message_start" => "event: message_start\ndata: "u8,
        "message_delta" => "event: message_delta\ndata: "u8,
        "message_stop" => "event: message_stop\ndata: "u8,
        "ping" => "event: ping\ndata: "u8,
        _ => default,
    };

    public bool ReadyToCommit => _ready;

    public bool Finish(UpstreamStreamPump.PumpEnd end, IBufferWriter<byte> output) => true;

    public void WriteError(StreamErrorKind kind, string message, IBufferWriter<byte> output)
    {
        AnthropicSse.WriteFrameStart(output, "error");
        AnthropicErrors.Write(output, ClientErrorTypes.Anthropic(kind), message);
        AnthropicSse.WriteFrameEnd(output);
    }

    public void WritePing(IBufferWriter<byte> output) => output.Write("event: ping\ndata: {\"type\":\"ping\"}\n\n"u8);

    public int? ErrorStatus { get; private set; }
    public string? ErrorMessage { get; private set; }
    public TokenUsage? Usage => _scanner.Usage;
    public bool UsageFinal => _scanner.FinalUsageSeen;
    public string? FinishReason => _scanner.StopReason;

    /// <summary>An Anthropic error envelope (<c>{"type":"error","error":{"type","message"}}</c>): the status its type stands for, and its message.</summary>
    internal static bool IsError(JsonElement root, out int? status, out string message)
    {
        status = null;
        message = "";
        if (!(root.TryGetProperty("type"u8, out var type) && type.ValueEquals("error"u8))) return false;
        var error = root.TryGetProperty("error"u8, out var e) && e.ValueKind == JsonValueKind.Object ? e : root;
        status = AnthropicErrors.StatusForType(error.TryGetProperty("type"u8, out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null);
        message = error.TryGetProperty("message"u8, out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() ?? "" : "upstream reported an error";
        return true;
    }
}
