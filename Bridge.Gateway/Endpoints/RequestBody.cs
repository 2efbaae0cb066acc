using System.Buffers;
using Bridge.Gateway.Buffers;
using Microsoft.AspNetCore.Http;

namespace Bridge.Gateway.Endpoints;

/// <summary>
/// Reads a request body into pooled memory. The buffer grows as bytes arrive (a declared <c>Content-Length</c> only
/// caps it, it never sizes it up front), every byte it holds is reserved from the gateway-wide budget for bodies in
/// flight, and bodies over the configured limit are refused.
/// </summary>
public static class RequestBody
{
    /// <summary>First buffer for a body: enough for most requests, small enough that idle connections hold little.</summary>
    private const int InitialCapacity = 64 * 1024;

    /// <summary>Returns the body, or null after writing a 413 (too large) or 503 (budget used up) in the client's envelope.</summary>
    public static async Task<PooledBufferWriter?> ReadAsync(HttpContext context, long maxBytes, MemoryBudget budget)
    {
        var request = context.Request;
        var declared = request.ContentLength;
        // A body larger than all bodies together may hold could never be read: that is a 413, not a "retry shortly".
        maxBytes = Math.Min(maxBytes, budget.Limit);
        if (declared is { } length && length > maxBytes)
        {
            await ErrorResponses.WriteAsync(context, 413, $"Request body is {length} bytes; this gateway accepts at most {maxBytes} bytes.");
            return null;
        }

        // Without a declared length, one byte past the limit is enough to know the body is too large.
        var cap = (int)Math.Min(declared ?? maxBytes + 1, int.MaxValue);
        PooledBufferWriter? buffer = null;
        var reader = request.BodyReader;
        try
        {
            buffer = new PooledBufferWriter((int)Math.Min(cap, InitialCapacity), budget);
            while (true)
            {
                // The pipe hands over everything that has arrived, so a body that is already here is copied once, and
                // the buffer grows straight to what arrived (at least doubling) instead of one doubling per read.
                var result = await reader.ReadAsync(context.RequestAborted);
                var arrived = result.Buffer;
                var take = (int)Math.Min(arrived.Length, cap - buffer.WrittenCount);
                var consumed = arrived.Start;
                try
                {
                    if (take > 0)
                    {
                        var memory = buffer.GetMemory(take, cap);
                        arrived.Slice(0, take).CopyTo(memory.Span);
                        buffer.Advance(take);
                        consumed = arrived.GetPosition(take);
                    }
                }
                finally
                {
                    // Also when the budget refuses to grow: a read left open would keep Kestrel from draining the body.
                    reader.AdvanceTo(consumed);
                }
                if (buffer.WrittenCount > maxBytes)
                {
                    buffer.Dispose();
                    await ErrorResponses.WriteAsync(context, 413, $"Request body exceeds {maxBytes} bytes.");
                    return null;
                }
                // Kestrel enforces Content-Length, so once it is reached the body is complete: no need for one more read.
                if (result.IsCompleted || buffer.WrittenCount == declared) break;
            }
            return buffer;
        }
        catch (MemoryBudgetExceededException)
        {
            buffer?.Dispose();
            await ErrorResponses.WriteAsync(context, 503,
                "The gateway is holding as many request bodies as it may right now; retry shortly.", TimeSpan.FromSeconds(1), code: "body_memory_busy");
            return null;
        }
        catch
        {
            buffer?.Dispose();
            throw;
        }
    }
}
