using System.Buffers;
using Bridge.Gateway.Pipeline;
using Bridge.Gateway.Usage;

namespace Bridge.Gateway.Relay;

/// <summary>
/// The one shape of every stream translator (upstream protocol -> client protocol, identity included): fed one
/// upstream SSE item at a time, it writes the client's bytes into the buffer it is given. The relay owns the rest:
/// when to commit, timeouts, keep-alives, errors after the first byte, the client leaving.
/// </summary>
public interface IStreamTranslator
{
    /// <summary>Translates one upstream item (<paramref name="eventType"/> from its <c>event:</c> line, <paramref name="data"/> its payload).</summary>
    StreamStep OnItem(string eventType, ReadOnlySpan<byte> data, IBufferWriter<byte> output);

    /// <summary>What has been written so far is worth sending: the relay commits the response on it.</summary>
    bool ReadyToCommit { get; }

    /// <summary>
    /// Writes the stream's ending once the upstream has stopped (by <c>[DONE]</c>, <see cref="StreamStep.Done"/> or
    /// closing). False when the response was not complete: the relay then ends it with an error event.
    /// </summary>
    bool Finish(UpstreamStreamPump.PumpEnd end, IBufferWriter<byte> output);

    /// <summary>Ends the stream with an error event in the client's protocol.</summary>
    void WriteError(StreamErrorKind kind, string message, IBufferWriter<byte> output);

    /// <summary>A keep-alive the client's protocol ignores, written while the upstream is silent.</summary>
    void WritePing(IBufferWriter<byte> output);

    /// <summary>The HTTP status the upstream's in-stream error names, when it names one.</summary>
    int? ErrorStatus { get; }

    /// <summary>The upstream's in-stream error, after <see cref="StreamStep.UpstreamError"/>.</summary>
    string? ErrorMessage { get; }

    /// <summary>Tokens the upstream reported so far; null if it has not said.</summary>
    TokenUsage? Usage { get; }

    /// <summary>False while <see cref="Usage"/> is only a placeholder (an Anthropic stream before its <c>message_delta</c>).</summary>
    bool UsageFinal { get; }

    /// <summary>Why the model stopped, once the upstream said it.</summary>
    string? FinishReason { get; }
}
