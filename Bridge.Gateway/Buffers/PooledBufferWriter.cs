using System.Buffers;

namespace Bridge.Gateway.Buffers;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over arrays rented from the shared pool; dispose to return them. Arrays above
/// <see cref="LargestPooled"/> are allocated and left to the GC instead: the shared pool keeps what it is given back
/// (per core), so a burst of large bodies would stay resident long after it ended. With a <see cref="MemoryBudget"/>
/// every byte of capacity is reserved from it before it is allocated, and a refused reservation throws
/// <see cref="MemoryBudgetExceededException"/>.
/// </summary>
public sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    /// <summary>Largest array taken from (and returned to) the shared pool.</summary>
    public const int LargestPooled = 1024 * 1024;

    private readonly MemoryBudget? _budget;
    private byte[] _buffer;
    private int _written;
    /// <summary>What is reserved from the budget: the footprint of the array held now.</summary>
    private long _reserved;

    public PooledBufferWriter(int initialCapacity = 4096, MemoryBudget? budget = null)
    {
        _budget = budget;
        var capacity = Math.Max(256, initialCapacity);
        if (budget is not null)
        {
            if (!budget.TryReserve(Footprint(capacity))) throw new MemoryBudgetExceededException();
            _reserved = Footprint(capacity);
        }
        _buffer = Allocate(capacity);
    }

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);
    public int WrittenCount => _written;

    public void Clear() => _written = 0;

    /// <summary>Forgets everything written after the first <paramref name="count"/> bytes.</summary>
    public void Truncate(int count) => _written = Math.Clamp(count, 0, _written);

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Room for <paramref name="sizeHint"/> more bytes, growing by doubling but never past <paramref name="cap"/> when it suffices.</summary>
    public Memory<byte> GetMemory(int sizeHint, int cap)
    {
        if (_buffer.Length - _written < sizeHint)
        {
            var wanted = (int)Math.Min(Math.Max((long)_buffer.Length * 2, (long)_written + sizeHint), Math.Max(cap, _written + sizeHint));
            Grow(wanted);
        }
        return _buffer.AsMemory(_written);
    }

    private void Ensure(int sizeHint)
    {
        if (sizeHint < 1) sizeHint = 1;
        if (_buffer.Length - _written >= sizeHint) return;
        Grow(Math.Max(_buffer.Length * 2, _written + sizeHint));
    }

    private void Grow(int capacity)
    {
        var old = _buffer;
        if (_budget is not null)
        {
            if (!_budget.TryReserve(Footprint(capacity) - _reserved)) throw new MemoryBudgetExceededException();
            _reserved = Footprint(capacity);
        }
        var bigger = Allocate(capacity);
        old.AsSpan(0, _written).CopyTo(bigger);
        Release(old);
        _buffer = bigger;
    }

    /// <summary>What an array for <paramref name="capacity"/> bytes really takes: the shared pool rounds up to a power of two.</summary>
    private static long Footprint(int capacity) =>
        capacity <= LargestPooled ? (long)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, capacity)) : capacity;

    private static byte[] Allocate(int capacity) =>
        capacity <= LargestPooled ? ArrayPool<byte>.Shared.Rent(capacity) : GC.AllocateUninitializedArray<byte>(capacity);

    private static void Release(byte[] buffer)
    {
        if (buffer.Length is > 0 and <= LargestPooled) ArrayPool<byte>.Shared.Return(buffer);
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length == 0) return;
        _budget?.Release(_reserved);
        Release(buffer);
    }
}
