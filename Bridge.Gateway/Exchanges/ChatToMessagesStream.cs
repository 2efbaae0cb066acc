using System.Buffers;
using Bridge.Gateway.Pipeline;
using Bridge.Gateway.Protocols.Anthropic;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Translation.OpenAIToAnthropic;
using Bridge.Gateway.Usage;

namespace Bridge.Gateway.Exchanges;

/// <summary>Anthropic Messages events -> a Chat Completions stream.</summary>
internal sealed class ChatToMessagesStream(string requestedModel, bool includeUsage) : IStreamTranslator
{
    private readonly MessagesStreamToChat _translator = new(requestedModel, includeUsage);

    private bool _malformed;

    public StreamStep OnItem(string eventType, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        if (_translator.OnEvent(eventType, data, output)) return StreamStep.Continue;
        // Only an error event names a status; anything else the translator refused is unreadable data (a 502).
        _malformed = eventType != "error";
        return StreamStep.UpstreamError;
    }

    public bool ReadyToCommit => _translator.RoleSent || _translator.Completed;

    public bool Finish(UpstreamStreamPump.PumpEnd end, IBufferWriter<byte> output)
    {
        // Complete only once message_stop came.
        if (!_translator.Completed) return false;
        _translator.WriteDone(output);
        return true;
    }

    public void WriteError(StreamErrorKind kind, string message, IBufferWriter<byte> output) =>
        _translator.WriteError(message, ClientErrorTypes.OpenAI(kind), output);

    /// <summary>An SSE comment keeps proxies from closing an idle connection; clients ignore it.</summary>
    public void WritePing(IBufferWriter<byte> output) => output.Write(": ping\n\n"u8);

    public int? ErrorStatus => _malformed ? null : AnthropicErrors.StatusForType(_translator.UpstreamErrorType);
    public string? ErrorMessage => _translator.UpstreamErrorMessage;

    public TokenUsage? Usage => _translator.PromptTokens + _translator.CompletionTokens > 0
        ? new TokenUsage(_translator.PromptTokens - _translator.CachedTokens - _translator.CacheCreationTokens, _translator.CompletionTokens,
            _translator.CachedTokens, _translator.CacheCreationTokens)
        : null;

    public bool UsageFinal => _translator.FinalUsageSeen;
    public string? FinishReason => _translator.FinishReason;
}
