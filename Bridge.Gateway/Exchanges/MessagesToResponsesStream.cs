using System.Buffers;
using Bridge.Gateway.Pipeline;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.AnthropicToResponses;
using Bridge.Gateway.Usage;

namespace Bridge.Gateway.Exchanges;

/// <summary>A Responses event stream -> Anthropic Messages events.</summary>
internal sealed class MessagesToResponsesStream(string requestedModel, ToolNameMap toolNames, byte[] signatureKey) : IStreamTranslator
{
    private readonly ResponsesToAnthropicStream _translator = new(requestedModel, toolNames, signatureKey, 0);
    private bool _ready;

    public StreamStep OnItem(string eventType, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        if (!_translator.Started) _translator.WriteStart(output);
        if (!_translator.OnEvent(eventType, data, output)) return StreamStep.UpstreamError;
        _ready = true;
        return _translator.Finished ? StreamStep.Done : StreamStep.Continue;
    }

    public bool ReadyToCommit => _ready;

    /// <summary>Only a terminal event (<c>response.completed</c>/<c>incomplete</c>) makes the answer whole.</summary>
    public bool Finish(UpstreamStreamPump.PumpEnd end, IBufferWriter<byte> output) => _translator.Finished;

    public void WriteError(StreamErrorKind kind, string message, IBufferWriter<byte> output) =>
        _translator.WriteError(ClientErrorTypes.Anthropic(kind), message, output);

    public void WritePing(IBufferWriter<byte> output) => _translator.WritePing(output);

    public int? ErrorStatus => _translator.UpstreamErrorStatus;
    public string? ErrorMessage => _translator.UpstreamError;

    public TokenUsage? Usage => _translator.UsageReported
        ? new TokenUsage(_translator.InputTokens, _translator.OutputTokens, _translator.CachedTokens)
        : null;

    public bool UsageFinal => true;
    public string? FinishReason => _translator.StopReason;
}
