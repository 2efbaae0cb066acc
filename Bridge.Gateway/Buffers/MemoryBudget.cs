using System.Collections.Concurrent;

namespace Bridge.Gateway.Buffers;

/// <summary>
/// A cap on the bytes that one kind of buffer may hold across all requests at once (request bodies in flight), so
/// that many slow clients, each sending a little of a large body, cannot together exhaust the heap. Each caller also
/// gets a share of its own (<see cref="ForCaller"/>, a quarter of the whole), so one key cannot take it all from the
/// others.
/// </summary>
public sealed class MemoryBudget(long limit, MemoryBudget? parent = null)
{
    private const int MaxCallers = 100_000;
    private long _held;
    private ConcurrentDictionary<string, MemoryBudget>? _callers;

    public long Limit { get; } = limit;
    public long Held => Interlocked.Read(ref _held);

    /// <summary>The share of one caller (by key id), reserving from this budget too.</summary>
    public MemoryBudget ForCaller(string callerId)
    {
        var callers = LazyInitializer.EnsureInitialized(ref _callers);
        if (callers.TryGetValue(callerId, out var share)) return share;
        // Callers are authenticated keys, so the table is as large as the key list; past a sane bound, share one.
        if (callers.Count >= MaxCallers) callerId = "";
        return callers.GetOrAdd(callerId, static (_, whole) => new MemoryBudget(Math.Max(1, whole.Limit / 4), whole), this);
    }

    public bool TryReserve(long bytes)
    {
        if (bytes <= 0) return true;
        while (true)
        {
            var held = Interlocked.Read(ref _held);
            if (held + bytes > Limit) return false;
            if (Interlocked.CompareExchange(ref _held, held + bytes, held) == held) break;
        }
        if (parent is null || parent.TryReserve(bytes)) return true;
        Interlocked.Add(ref _held, -bytes);
        return false;
    }

    public void Release(long bytes)
    {
        if (bytes <= 0) return;
        Interlocked.Add(ref _held, -bytes);
        parent?.Release(bytes);
    }
}
