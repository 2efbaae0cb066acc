using System.Net;

namespace Bridge.Gateway.Upstream;

/// <summary>An upstream response's content, read through a <see cref="BoundedReadStream"/>; headers are the original's.</summary>
public sealed class BoundedUpstreamContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly BoundKind _kind;
    private readonly long _limit;
    private readonly bool _declaredTooLarge;

    public BoundedUpstreamContent(HttpContent inner, BoundKind kind, long limit, bool declaredTooLarge = false)
    {
        _inner = inner;
        _kind = kind;
        _limit = limit;
        _declaredTooLarge = declaredTooLarge;
        foreach (var header in inner.Headers) Headers.TryAddWithoutValidation(header.Key, header.Value);
    }

    /// <summary>Wraps a successful response's content: SSE is bounded per line and event, anything else as a whole.</summary>
    public static void Apply(HttpResponseMessage response, long maxBodyBytes, long maxEventBytes)
    {
        var isStream = response.Content.Headers.ContentType?.MediaType is "text/event-stream";
        if (!isStream && response.Content.Headers.ContentLength is { } declared && declared > maxBodyBytes)
        {
            // Known too large before a byte is read: fail on the first read, without reading.
            response.Content = new BoundedUpstreamContent(response.Content, BoundKind.Total, maxBodyBytes, declaredTooLarge: true);
            return;
        }
        response.Content = isStream
            ? new BoundedUpstreamContent(response.Content, BoundKind.SseEvent, maxEventBytes)
            : new BoundedUpstreamContent(response.Content, BoundKind.Total, maxBodyBytes);
    }

    protected override async Task<Stream> CreateContentReadStreamAsync() =>
        Bounded(await _inner.ReadAsStreamAsync());

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        Bounded(await _inner.ReadAsStreamAsync(cancellationToken));

    private Stream Bounded(Stream inner)
    {
        if (_declaredTooLarge)
        {
            inner.Dispose();
            throw new UpstreamTooLargeException("response body", _limit);
        }
        return new BoundedReadStream(inner, _kind, _limit);
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await using var source = await CreateContentReadStreamAsync();
        await source.CopyToAsync(stream);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _inner.Dispose();
        base.Dispose(disposing);
    }
}
