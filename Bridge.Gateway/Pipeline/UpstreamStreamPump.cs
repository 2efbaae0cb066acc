using System.Net.ServerSentEvents;

namespace Bridge.Gateway.Pipeline;

/// <summary>
/// Reads an upstream SSE stream item by item, handing each <c>data:</c> payload to a synchronous
/// callback without copying it, and waking up every <paramref name="idleInterval"/> while the upstream
/// is silent (so the caller can send a keep-alive ping).
/// </summary>
public static class UpstreamStreamPump
{
    public enum ItemResult : byte
    {
        Continue,
        Done,
    }

    /// <summary>Outcome of pumping a stream: ended by <c>[DONE]</c>/callback, or by the upstream closing the connection.</summary>
    public enum PumpEnd : byte
    {
        Done,
        EndOfStream,
    }

    public delegate ItemResult OnItem(string eventType, ReadOnlySpan<byte> data);

    public static async Task<PumpEnd> RunAsync(
        Stream upstream,
        OnItem onItem,
        Func<ValueTask> afterItem,
        Func<ValueTask> onIdle,
        TimeSpan idleInterval,
        CancellationToken cancellationToken)
    {
        var parser = SseParser.Create(upstream, (type, data) =>
            data.SequenceEqual("[DONE]"u8) ? ItemResult.Done : onItem(type, data));
        await using var items = parser.EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            var next = items.MoveNextAsync();
            bool hasItem;
            if (next.IsCompleted)
            {
                hasItem = next.Result;
            }
            else
            {
                var pending = next.AsTask();
                while (true)
                {
                    try
                    {
                        hasItem = await pending.WaitAsync(idleInterval, cancellationToken);
                        break;
                    }
                    catch (TimeoutException)
                    {
                        await onIdle();
                    }
                }
            }

            if (!hasItem) return PumpEnd.EndOfStream;
            if (items.Current.Data == ItemResult.Done) return PumpEnd.Done;
            await afterItem();
        }
    }
}
