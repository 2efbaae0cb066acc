using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Bridge.Gateway.Upstream.Aws;

/// <summary>
/// Reads Bedrock's <c>invoke-with-response-stream</c> body (AWS event-stream framing) and presents it as the Anthropic
/// SSE stream it carries: each <c>chunk</c> event's <c>bytes</c> (base64 of one Anthropic stream event) becomes
/// <c>event: {type}</c> / <c>data: {json}</c>; an exception message becomes Anthropic's <c>error</c> event. Everything
/// downstream (the relay, the Anthropic stream translators) then works unchanged. Messages larger than
/// <paramref name="maxMessageBytes"/> end the stream.
/// </summary>
public sealed class BedrockSseStream(Stream inner, long maxMessageBytes) : Stream
{
    private byte[] _in = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private int _inStart;
    private int _inEnd;
    private readonly ArrayBufferWriter<byte> _out = new(4096);
    private int _outRead;
    private bool _ended;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_outRead == _out.WrittenCount)
        {
            _out.Clear();
            _outRead = 0;
            if (_ended) return 0;
            await FillOneMessageAsync(cancellationToken);
        }
        var n = Math.Min(buffer.Length, _out.WrittenCount - _outRead);
        _out.WrittenMemory.Slice(_outRead, n).CopyTo(buffer);
        _outRead += n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Reads one whole message (or the end) and writes its SSE form into the output.</summary>
    private async Task FillOneMessageAsync(CancellationToken cancellationToken)
    {
        if (!await EnsureAsync(12, cancellationToken))
        {
            if (_inEnd != _inStart) throw new IOException("Bedrock stream ended inside an event-stream message");
            _ended = true;
            return;
        }
        var total = EventStreamMessage.TotalLength(_in.AsSpan(_inStart, 12));
        if (total > maxMessageBytes) throw new UpstreamTooLargeException("event-stream message", maxMessageBytes);
        if (!await EnsureAsync(total, cancellationToken)) throw new IOException("Bedrock stream ended inside an event-stream message");
        var message = EventStreamMessage.Decode(_in.AsMemory(_inStart, total));
        _inStart += total;
        WriteSse(message);
    }

    private void WriteSse(EventStreamMessage message)
    {
        if (message.Header(":message-type") is "exception" or "error")
        {
            var kind = message.Header(":exception-type") ?? message.Header(":error-code") ?? "internalServerException";
            var text = ReadMessage(message.Payload.Span) ?? message.Header(":error-message") ?? kind;
            WriteEvent("error"u8, ErrorEvent(kind, text));
            return;
        }
        if (message.Header(":event-type") != "chunk") return;
        var reader = new Utf8JsonReader(message.Payload.Span);
        using var document = JsonDocument.ParseValue(ref reader);
        if (!document.RootElement.TryGetProperty("bytes"u8, out var bytes) || bytes.ValueKind != JsonValueKind.String) return;
        var json = bytes.GetBytesFromBase64();
        var type = Relay.JsonShape.TypeOf(json);
        WriteEvent(type is null ? "message"u8 : Encoding.UTF8.GetBytes(type), json);
    }

    private void WriteEvent(ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        _out.Write("event: "u8);
        _out.Write(type);
        _out.Write("\ndata: "u8);
        _out.Write(data);
        _out.Write("\n\n"u8);
    }

    /// <summary>Bedrock's exception names, as Anthropic error types (which drive the relay's retry and status).</summary>
    private static byte[] ErrorEvent(string exception, string message)
    {
        var type = exception switch
        {
            "throttlingException" => "rate_limit_error",
            "serviceUnavailableException" or "modelNotReadyException" => "overloaded_error",
            "validationException" => "invalid_request_error",
            "accessDeniedException" => "permission_error",
            "modelTimeoutException" => "timeout_error",
            _ => "api_error",
        };
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "error"u8);
            writer.WriteStartObject("error"u8);
            writer.WriteString("type"u8, type);
            writer.WriteString("message"u8, $"Bedrock {exception}: {message}");
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static string? ReadMessage(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.TryGetProperty("message"u8, out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Makes at least <paramref name="count"/> unread bytes available; false at the end of the body.</summary>
    private async Task<bool> EnsureAsync(int count, CancellationToken cancellationToken)
    {
        while (_inEnd - _inStart < count)
        {
            if (_in.Length - _inStart < count)
            {
                // Move what is unread to the front, growing the buffer when the message needs more.
                var target = _in.Length >= count ? _in : ArrayPool<byte>.Shared.Rent(count);
                Buffer.BlockCopy(_in, _inStart, target, 0, _inEnd - _inStart);
                if (!ReferenceEquals(target, _in)) ArrayPool<byte>.Shared.Return(_in);
                (_in, _inEnd, _inStart) = (target, _inEnd - _inStart, 0);
            }
            var read = await inner.ReadAsync(_in.AsMemory(_inEnd), cancellationToken);
            if (read == 0) return false;
            _inEnd += read;
        }
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            if (_in.Length > 0) ArrayPool<byte>.Shared.Return(_in);
            _in = [];
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
