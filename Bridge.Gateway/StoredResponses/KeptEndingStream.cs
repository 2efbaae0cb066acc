using System.Buffers;
using Bridge.Gateway.Buffers;
using Bridge.Gateway.Pipeline;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Usage;

namespace Bridge.Gateway.StoredResponses;

/// <summary>
/// A stream translator whose ending is held back until the answer is stored: everything before the item that ends the
/// stream goes out as the inner translator writes it; that item's output and the ending are kept here, and
/// <see cref="ReleaseAsync"/> stores the answer and then writes them.
/// </summary>
public sealed class KeptEndingStream(IStreamTranslator inner, ResponseKeeper keeper) : IStreamTranslator, IDisposable
{
    private readonly PooledBufferWriter _scratch = new(1024);
    private readonly PooledBufferWriter _held = new(1024);

    public StreamStep OnItem(string eventType, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        if (_held.WrittenCount > 0) return inner.OnItem(eventType, data, _held);
        _scratch.Clear();
        var step = inner.OnItem(eventType, data, _scratch);
        if (step == StreamStep.Done) _held.Write(_scratch.WrittenSpan);
        else output.Write(_scratch.WrittenSpan);
        return step;
    }

    public bool ReadyToCommit => inner.ReadyToCommit;

    public bool Finish(UpstreamStreamPump.PumpEnd end, IBufferWriter<byte> output) => inner.Finish(end, _held);

    public void WriteError(StreamErrorKind kind, string message, IBufferWriter<byte> output)
    {
        // An error after a held ending: what was held goes first, and the answer is not stored.
        output.Write(_held.WrittenSpan);
        _held.Clear();
        inner.WriteError(kind, message, output);
    }

    public void WritePing(IBufferWriter<byte> output) => inner.WritePing(output);

    /// <summary>Stores the answer (when the held ending completes it) and then writes the ending.</summary>
    public async Task ReleaseAsync(IBufferWriter<byte> output)
    {
        if (_held.WrittenCount == 0) return;
        await keeper.KeepFromEventsAsync(_held.WrittenMemory);
        output.Write(_held.WrittenSpan);
        _held.Clear();
    }

    public int? ErrorStatus => inner.ErrorStatus;
    public string? ErrorMessage => inner.ErrorMessage;
    public TokenUsage? Usage => inner.Usage;
    public bool UsageFinal => inner.UsageFinal;
    public string? FinishReason => inner.FinishReason;

    public void Dispose()
    {
        _scratch.Dispose();
        _held.Dispose();
    }
}
