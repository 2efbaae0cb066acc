namespace Bridge.Gateway.Buffers;

/// <summary>
/// A cap on the bytes that one kind of buffer may hold across all requests at once (request bodies in flight), so
/// that many slow clients, each sending a little of a large body, cannot together exhaust the heap.
/// </summary>
public sealed class MemoryBudget(long limit)
{
    private long _held;

    public long Limit { get; } = limit;
    public long Held => Interlocked.Read(ref _held);

    public bool TryReserve(long bytes)
    {
        if (bytes <= 0) return true;
        while (true)
        {
            var held = Interlocked.Read(ref _held);
            if (held + bytes > Limit) return false;
            if (Interlocked.CompareExchange(ref _held, held + bytes, held) == held) return true;
        }
    }

    public void Release(long bytes)
    {
        if (bytes > 0) Interlocked.Add(ref _held, -bytes);
    }
}
