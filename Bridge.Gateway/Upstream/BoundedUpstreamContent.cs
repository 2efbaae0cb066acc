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

    /// <summary>
    /// Set when the answer went past its bound. Such a failure is the request's own (the same request would pass the
    /// same bound on any deployment), so the pipeline neither retries it elsewhere nor counts it against the deployment.
    /// </summary>
    public UpstreamTooLargeException? Exceeded { get; private set; }

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
            throw Exceeded = new UpstreamTooLargeException("response body", _limit);
        }
        return new BoundedReadStream(inner, _kind, _limit, ex => Exceeded = ex);
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
