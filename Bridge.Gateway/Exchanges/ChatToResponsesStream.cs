using System.Buffers;
using Bridge.Gateway.Pipeline;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Translation.ChatToResponses;
using Bridge.Gateway.Usage;

namespace Bridge.Gateway.Exchanges;

/// <summary>A Responses event stream -> Chat Completions chunks.</summary>
internal sealed class ChatToResponsesStream(string requestedModel, bool includeUsage) : IStreamTranslator
{
    private readonly ResponsesStreamToChat _translator = new(requestedModel, includeUsage);
    private bool _ready;

    public StreamStep OnItem(string eventType, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        if (!_translator.OnEvent(eventType, data, output)) return StreamStep.UpstreamError;
        _ready = true;
        return _translator.Completed ? StreamStep.Done : StreamStep.Continue;
    }

    public bool ReadyToCommit => _ready;

    /// <summary>Complete only once a terminal event (<c>response.completed</c>/<c>incomplete</c>) wrote the finish chunk.</summary>
    public bool Finish(UpstreamStreamPump.PumpEnd end, IBufferWriter<byte> output)
    {
        if (!_translator.Completed) return false;
        _translator.WriteDone(output);
        return true;
    }

    public void WriteError(StreamErrorKind kind, string message, IBufferWriter<byte> output) =>
        _translator.WriteError(message, ClientErrorTypes.OpenAI(kind), output);

    /// <summary>An SSE comment keeps proxies from closing an idle connection; clients ignore it.</summary>
    public void WritePing(IBufferWriter<byte> output) => output.Write(": ping\n\n"u8);

    public int? ErrorStatus => _translator.UpstreamErrorStatus;
    public string? ErrorMessage => _translator.UpstreamError;

    public TokenUsage? Usage => _translator.UsageReported
        ? new TokenUsage(_translator.PromptTokens - _translator.CachedTokens, _translator.CompletionTokens, _translator.CachedTokens)
        : null;

    public bool UsageFinal => true;
    public string? FinishReason => _translator.FinishReason;
}
