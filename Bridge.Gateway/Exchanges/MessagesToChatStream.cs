using System.Buffers;
using Bridge.Gateway.Pipeline;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.AnthropicToOpenAI;
using Bridge.Gateway.Usage;

namespace Bridge.Gateway.Exchanges;

/// <summary>A Chat Completions stream -> Anthropic Messages events.</summary>
internal sealed class MessagesToChatStream(string requestedModel, ToolNameMap toolNames, IReadOnlyList<string> stopSequences) : IStreamTranslator
{
    private readonly OpenAIToAnthropicStream _translator = new(requestedModel, toolNames, stopSequences, 0);
    private bool _ready;

    public StreamStep OnItem(string eventType, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        if (!_translator.Started) _translator.WriteStart(output);
        if (!_translator.OnChunk(data, output)) return StreamStep.UpstreamError;
        _ready = true;
        return StreamStep.Continue;
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
