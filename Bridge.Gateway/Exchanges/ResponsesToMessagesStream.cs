using System.Buffers;
using Bridge.Gateway.Pipeline;
using Bridge.Gateway.Protocols.Anthropic;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Usage;

namespace Bridge.Gateway.Exchanges;

/// <summary>Anthropic Messages events -> a Responses event stream.</summary>
internal sealed class ResponsesToMessagesStream(string requestedModel, IReadOnlySet<string> customTools) : IStreamTranslator
{
    private readonly Translation.ResponsesToMessages.MessagesToResponsesStream _translator = new(requestedModel, customTools);
    private bool _ready;
    private bool _malformed;

    public StreamStep OnItem(string eventType, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        if (!_translator.Started) _translator.WriteStart(output);
        if (!_translator.OnEvent(eventType, data, output))
        {
            // Only an error event names a status; anything else the translator refused is unreadable data (a 502).
            _malformed = eventType != "error";
            return StreamStep.UpstreamError;
        }
        _ready = true;
        return _translator.Completed ? StreamStep.Done : StreamStep.Continue;
    }

    public bool ReadyToCommit => _ready;

    /// <summary>Complete only once <c>message_stop</c> came (the translator then wrote <c>response.completed</c>).</summary>
    public bool Finish(UpstreamStreamPump.PumpEnd end, IBufferWriter<byte> output) => _translator.Completed;

    public void WriteError(StreamErrorKind kind, string message, IBufferWriter<byte> output) =>
        _translator.WriteError(ResponsesClient.ErrorCode(kind), message, output);

    /// <summary>An SSE comment keeps proxies from closing an idle connection; clients ignore it.</summary>
    public void WritePing(IBufferWriter<byte> output) => output.Write(": ping\n\n"u8);

    public int? ErrorStatus => _malformed ? null : AnthropicErrors.StatusForType(_translator.UpstreamErrorType);
    public string? ErrorMessage => _translator.UpstreamError;

    public TokenUsage? Usage => _translator.UsageReported
        ? _translator.Usage.ToTokenUsage()
        : null;

    public bool UsageFinal => _translator.StopReason is not null;
    public string? FinishReason => _translator.StopReason;
}
