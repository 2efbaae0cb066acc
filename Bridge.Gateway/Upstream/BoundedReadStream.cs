namespace Bridge.Gateway.Upstream;

/// <summary>
/// A read-only view of an upstream body that throws <see cref="UpstreamTooLargeException"/> once the body passes its
/// bound: in <see cref="BoundKind.Total"/> mode the whole body, in <see cref="BoundKind.SseEvent"/> mode each SSE line
/// and each event (the bytes between blank lines), so a stream may run long but no single item can grow without end.
/// Checking is a scan for line feeds over bytes that were just read.
/// </summary>
public sealed class BoundedReadStream(Stream inner, BoundKind kind, long limit, Action<UpstreamTooLargeException>? exceeded = null) : Stream
{
    private long _total;
    private long _line;
    private long _event;
    private bool _lastWasCarriageReturn;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Count(buffer[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Count(buffer.Span[..read]);
        return read;
    }

    private void Count(ReadOnlySpan<byte> bytes)
    {
        if (kind == BoundKind.Total)
        {
            _total += bytes.Length;
            if (_total > limit) throw Exceeded("response body");
            return;
        }

        while (bytes.IndexOf((byte)'\n') is var newline and >= 0)
        {
            var lineBytes = _line + newline;
            if (lineBytes > limit) throw Exceeded("stream line");
            // A line holding nothing, or only a carriage return, ends the event.
            var blank = lineBytes == 0 || (lineBytes == 1 && (newline == 1 ? bytes[0] == (byte)'\r' : _lastWasCarriageReturn));
            _event = blank ? 0 : _event + newline + 1;
            if (_event > limit) throw Exceeded("stream event");
            _line = 0;
            _lastWasCarriageReturn = false;
            bytes = bytes[(newline + 1)..];
        }
        if (bytes.IsEmpty) return;
        _line += bytes.Length;
        _event += bytes.Length;
        _lastWasCarriageReturn = bytes[^1] == (byte)'\r';
        if (_line > limit) throw Exceeded("stream line");
        if (_event > limit) throw Exceeded("stream event");
    }

    private UpstreamTooLargeException Exceeded(string what)
    {
        var ex = new UpstreamTooLargeException(what, limit);
        exceeded?.Invoke(ex);
        return ex;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>What a <see cref="BoundedReadStream"/> bounds.</summary>
public enum BoundKind : byte
{
    /// <summary>The whole body.</summary>
    Total,
    /// <summary>Each SSE line and each event.</summary>
    SseEvent,
}
