using System.Net.ServerSentEvents;

namespace Bridge.Gateway.Pipeline;

/// <summary>An upstream stream went silent for too long, before its first item or between items.</summary>
public sealed class StreamTimeoutException(bool beforeFirstItem, TimeSpan waited)
    : TimeoutException(beforeFirstItem ? $"no first chunk within {waited.TotalSeconds:0.#} s" : $"no chunk for {waited.TotalSeconds:0.#} s")
{
    public bool BeforeFirstItem { get; } = beforeFirstItem;
}

/// <summary>Timing rules for reading an upstream stream.</summary>
public readonly record struct StreamTimings(TimeSpan PingInterval, TimeSpan? FirstItemTimeout, TimeSpan IdleTimeout);

/// <summary>
/// Reads an upstream SSE stream item by item, handing each <c>data:</c> payload to a synchronous callback
/// without copying it. While the upstream is silent it wakes up every ping interval (so the caller can send
/// a keep-alive), and it gives up with <see cref="StreamTimeoutException"/> when the first item takes longer
/// than <see cref="StreamTimings.FirstItemTimeout"/> or a later one longer than <see cref="StreamTimings.IdleTimeout"/>.
/// <para>
/// The caller's flush runs whenever the pump is about to wait for the upstream, not after every item: items
/// that have already arrived together go out in one write, and nothing handled is ever held back while waiting.
/// When the stream ends the caller writes its ending and flushes.
/// </para>
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
        Func<ValueTask> flush,
        Func<ValueTask> onIdle,
        StreamTimings timings,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var parser = SseParser.Create(upstream, (type, data) =>
            data.SequenceEqual("[DONE]"u8) ? ItemResult.Done : onItem(type, data));
        // Reads get their own token so a timed-out read can be cancelled and awaited before the enumerator is disposed.
        using var reads = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await using var items = parser.EnumerateAsync(reads.Token).GetAsyncEnumerator(reads.Token);
        var anyItem = false;
        var unflushed = false;
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
                if (unflushed)
                {
                    // The upstream has nothing more yet: send what was handled before waiting (the read goes on meanwhile).
                    unflushed = false;
                    await flush();
                }
                var pending = next.AsTask();
                var waitingSince = time.GetTimestamp();
                var limit = anyItem ? timings.IdleTimeout : timings.FirstItemTimeout ?? timings.IdleTimeout;
                while (true)
                {
                    var waited = time.GetElapsedTime(waitingSince);
                    var remaining = limit - waited;
                    if (remaining <= TimeSpan.Zero)
                    {
                        await reads.CancelAsync();
                        await SettleAsync(pending);
                        throw new StreamTimeoutException(!anyItem, limit);
                    }
                    try
                    {
                        hasItem = await pending.WaitAsync(remaining < timings.PingInterval ? remaining : timings.PingInterval, time, cancellationToken);
                        break;
                    }
                    catch (TimeoutException)
                    {
                        if (time.GetElapsedTime(waitingSince) < limit) await onIdle();
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        // The client left (or the overall timeout ran out) while a read was pending: the enumerator
                        // cannot be disposed under a running read, so let the read end first (its token is linked).
                        await SettleAsync(pending);
                        throw;
                    }
                }
            }

            if (!hasItem) return PumpEnd.EndOfStream;
            anyItem = true;
            if (items.Current.Data == ItemResult.Done) return PumpEnd.Done;
            unflushed = true;
        }
    }

    /// <summary>Waits for a cancelled read to end, whatever it ends with.</summary>
    private static async Task SettleAsync(Task<bool> pending)
    {
        try
        {
            await pending;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
        }
    }
}
