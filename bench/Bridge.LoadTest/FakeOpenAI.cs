using System.Diagnostics;
using System.Text;

namespace Bridge.LoadTest;

/// <summary>
/// A fast fake OpenAI Chat Completions server on loopback: fixed answers (JSON or N streamed chunks),
/// optionally failing every request with a status code.
/// </summary>
public sealed class FakeOpenAI : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _requests;

    private FakeOpenAI(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";
    public long Requests => Interlocked.Read(ref _requests);
    public int FailWith { get; set; }
    /// <summary>Fires when the web host shuts down (for instance on SIGTERM).</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    private static readonly byte[] Json = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-bench","object":"chat.completion","created":1741569952,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! This is a short answer from the fake upstream."},"finish_reason":"stop"}],"usage":{"prompt_tokens":25,"completion_tokens":12,"total_tokens":37}}""");

    public static async Task<FakeOpenAI> StartAsync(int streamChunks = 20, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var fake = new FakeOpenAI(app);
        // The first chunk is written per request: its token carries the monotonic clock (Stopwatch ticks, shared by
        // every process on the machine) read just before it is written, so the client can time the relay alone.
        var firstChunkHead = Encoding.UTF8.GetBytes(
            """data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":"tok0@""");
        var firstChunkTail = Encoding.UTF8.GetBytes(""" "},"finish_reason":null}]}""" + "\n\n");
        var chunks = Enumerable.Range(1, Math.Max(0, streamChunks - 1)).Select(i => Encoding.UTF8.GetBytes(
            $$"""data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"tok{{i}} "},"finish_reason":null}]}""" + "\n\n")).ToArray();
        var tail = Encoding.UTF8.GetBytes(
            "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1741569952,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1741569952,\"model\":\"gpt-4o\",\"choices\":[],\"usage\":{\"prompt_tokens\":25,\"completion_tokens\":20,\"total_tokens\":45}}\n\n"
            + "data: [DONE]\n\n");

        app.MapPost("/v1/chat/completions", async context =>
        {
            Interlocked.Increment(ref fake._requests);
            // Read the whole body as a real server would; "stream":true may sit anywhere in it (inside a JSON
            // string a quote is always escaped, so the unescaped pattern only matches a property).
            var stream = await ReadBodyAndFindStreamAsync(context.Request.Body, context.RequestAborted);
            if (fake.FailWith != 0)
            {
                context.Response.StatusCode = fake.FailWith;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("""{"error":{"message":"injected failure","type":"server_error","param":null,"code":null}}""");
                return;
            }
            if (!stream)
            {
                context.Response.ContentType = "application/json";
                context.Response.ContentLength = Json.Length;
                await context.Response.Body.WriteAsync(Json);
                return;
            }
            context.Response.ContentType = "text/event-stream";
            if (streamChunks > 0)
            {
                await context.Response.Body.WriteAsync(FirstChunk(firstChunkHead, firstChunkTail, Stopwatch.GetTimestamp()));
                await context.Response.Body.FlushAsync();
            }
            foreach (var chunk in chunks)
            {
                await context.Response.Body.WriteAsync(chunk);
                await context.Response.Body.FlushAsync();
            }
            await context.Response.Body.WriteAsync(tail);
        });
        await app.StartAsync();
        fake.BaseUrl = app.Urls.First().TrimEnd('/');
        return fake;
    }

    private static byte[] FirstChunk(byte[] head, byte[] tail, long stamp)
    {
        var digits = stamp.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var chunk = new byte[head.Length + digits.Length + tail.Length];
        head.CopyTo(chunk, 0);
        Encoding.ASCII.GetBytes(digits, chunk.AsSpan(head.Length));
        tail.CopyTo(chunk, head.Length + digits.Length);
        return chunk;
    }

    private static async Task<bool> ReadBodyAndFindStreamAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(32 * 1024);
        try
        {
            var found = false;
            var carry = 0; // bytes kept from the previous read so a match across two reads is found
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(carry), cancellationToken)) > 0)
            {
                var filled = carry + read;
                if (!found) found = buffer.AsSpan(0, filled).IndexOf("\"stream\":true"u8) >= 0;
                carry = Math.Min(filled, 12);
                buffer.AsSpan(filled - carry, carry).CopyTo(buffer);
            }
            return found;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
