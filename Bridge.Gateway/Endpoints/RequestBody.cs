using Bridge.Gateway.Buffers;
using Microsoft.AspNetCore.Http;

namespace Bridge.Gateway.Endpoints;

/// <summary>Reads a request body into pooled memory, refusing bodies over the configured limit.</summary>
public static class RequestBody
{
    /// <summary>Returns the body, or null after writing a 413 in the client's envelope.</summary>
    public static async Task<PooledBufferWriter?> ReadAsync(HttpContext context, long maxBytes)
    {
        var request = context.Request;
        if (request.ContentLength is { } declared && declared > maxBytes)
        {
            await ErrorResponses.WriteAsync(context, 413, $"Request body is {declared} bytes; this gateway accepts at most {maxBytes} bytes.");
            return null;
        }

        var buffer = new PooledBufferWriter((int)Math.Min(request.ContentLength ?? 16 * 1024, maxBytes) + 1);
        try
        {
            while (true)
            {
                var memory = buffer.GetMemory(16 * 1024);
                var read = await request.Body.ReadAsync(memory, context.RequestAborted);
                if (read == 0) break;
                buffer.Advance(read);
                // Kestrel enforces Content-Length, so once it is reached the body is complete: no need for one more read.
                if (buffer.WrittenCount == request.ContentLength) break;
                if (buffer.WrittenCount > maxBytes)
                {
                    buffer.Dispose();
                    await ErrorResponses.WriteAsync(context, 413, $"Request body exceeds {maxBytes} bytes.");
                    return null;
                }
            }
            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }
}
