using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Pipeline;
using Bridge.Gateway.Protocols.OpenAI;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Usage;

namespace Bridge.Gateway.Exchanges;

/// <summary>
/// A Chat Completions stream relayed event by event, unchanged. Only the first item is checked (an error object or
/// unreadable data there can still fail over); after it, chunks are parsed only when they may carry usage or a
/// finish reason. The usage-only chunk reaches the client only when it asked for it.
/// </summary>
internal sealed class ChatPassthroughStream(bool clientWantsUsage) : IStreamTranslator
{
    private ChatOutcome _outcome;
    private bool _ready;

    public StreamStep OnItem(string eventType, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        if (!_ready)
        {
            if (!JsonShape.IsObject(data))
            {
                ErrorMessage = "upstream sent a chunk that is not valid JSON";
                return StreamStep.UpstreamError;
            }
            if (data.StartsWith("{\"error\""u8))
            {
                var reader = new Utf8JsonReader(data);
                using var document = JsonDocument.ParseValue(ref reader);
                (ErrorStatus, ErrorMessage) = ChatOutcome.ErrorOf(document.RootElement);
                return StreamStep.UpstreamError;
            }
            _ready = true;
        }
        if (data.IndexOf("\"usage\":{"u8) >= 0 || ChatOutcome.MayCarryFinishReason(data)) _outcome.Read(data);
        if (!clientWantsUsage && ChatOutcome.IsUsageOnlyChunk(data)) return StreamStep.Continue;
        OpenAISse.WriteFrameStart(output);
        output.Write(data);
        OpenAISse.WriteFrameEnd(output);
        return StreamStep.Continue;
    }

    public bool ReadyToCommit => _ready;

    public bool Finish(UpstreamStreamPump.PumpEnd end, IBufferWriter<byte> output)
    {
        if (end == UpstreamStreamPump.PumpEnd.Done) OpenAISse.WriteDone(output);
        return true;
    }

    public void WriteError(StreamErrorKind kind, string message, IBufferWriter<byte> output)
    {
        OpenAISse.WriteFrameStart(output);
        OpenAIErrors.Write(output, message, ClientErrorTypes.OpenAI(kind));
        OpenAISse.WriteFrameEnd(output);
    }

    /// <summary>An SSE comment keeps proxies from closing an idle connection; clients ignore it.</summary>
    public void WritePing(IBufferWriter<byte> output) => output.Write(": ping\n\n"u8);

    public int? ErrorStatus { get; private set; }
    public string? ErrorMessage { get; private set; }
    public TokenUsage? Usage => _outcome.Usage;
    public bool UsageFinal => true;
    public string? FinishReason => _outcome.FinishReason;
}
