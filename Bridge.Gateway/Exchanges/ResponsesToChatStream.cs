using System.Buffers;
using Bridge.Gateway.Pipeline;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Usage;

namespace Bridge.Gateway.Exchanges;

/// <summary>Chat Completions chunks -> a Responses event stream.</summary>
internal sealed class ResponsesToChatStream(string requestedModel, ToolNameMap toolNames, IReadOnlySet<string> customTools) : IStreamTranslator
{
    private readonly Translation.ResponsesToChat.ChatToResponsesStream _translator = new(requestedModel, toolNames, customTools);
    private bool _ready;

    public StreamStep OnItem(string eventType, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        if (!_translator.Started) _translator.WriteStart(output);
        if (!_translator.OnChunk(data, output)) return StreamStep.UpstreamError;
        _ready = true;
        return _translator.Completed ? StreamStep.Done : StreamStep.Continue;
    }

    public bool ReadyToCommit => _ready;

    public bool Finish(UpstreamStreamPump.PumpEnd end, IBufferWriter<byte> output)
    {
        if (_translator.Completed) return true;
        // Closed without [DONE] and without a finish_reason: the answer was cut short.
        if (end == UpstreamStreamPump.PumpEnd.EndOfStream && _translator.FinishReason is null) return false;
        _translator.WriteEnd(output);
        return true;
    }

    public void WriteError(StreamErrorKind kind, string message, IBufferWriter<byte> output) =>
        _translator.WriteError(ResponsesClient.ErrorCode(kind), message, output);

    /// <summary>An SSE comment keeps proxies from closing an idle connection; clients ignore it.</summary>
    public void WritePing(IBufferWriter<byte> output) => output.Write(": ping\n\n"u8);

    public int? ErrorStatus => _translator.UpstreamErrorStatus;
    public string? ErrorMessage => _translator.UpstreamError;

    public TokenUsage? Usage => _translator.UsageReported
        ? _translator.Usage.ToTokenUsage()
        : null;

    public bool UsageFinal => true;
    public string? FinishReason => _translator.FinishReason;
}
