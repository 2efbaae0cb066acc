using Bridge.Gateway.Buffers;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Diagnostics;
using Bridge.Gateway.Routing;
using Bridge.Gateway.Pipeline;
using Bridge.Gateway.Usage;
using Bridge.Gateway.Upstream;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bridge.Gateway.Exchanges;

/// <summary>
/// One client request translated for one deployment: the body to send, how to address the upstream,
/// and how the upstream's answer reaches the client. Created per attempt, disposed after it.
/// </summary>
public abstract class PreparedCall : IDisposable
{
    protected PreparedCall(ModelDeployment deployment, PooledBufferWriter output, TimeProvider time, ILogger logger)
    {
        Deployment = deployment;
        Output = output;
        Time = time;
        Logger = logger;
    }

    /// <summary>The translated body (owned by this call, returned to the pool on dispose).</summary>
    protected PooledBufferWriter Output { get; }
    protected TimeProvider Time { get; }
    protected ILogger Logger { get; }

    public ModelDeployment Deployment { get; }

    /// <summary>False when the client's request is invalid for this route; then <see cref="ErrorMessage"/> says why.</summary>
    public bool Ok { get; protected init; } = true;
    public string? ErrorMessage { get; protected init; }
    /// <summary>The offending parameter, for OpenAI's error envelope.</summary>
    public string? ErrorParam { get; protected init; }
    public bool Stream { get; protected init; }
    /// <summary>The client's model name, echoed back in responses.</summary>
    public string RequestedModel { get; protected init; } = "";

    /// <summary>Tokens the upstream reported, once the response has been relayed; null if it never said.</summary>
    public TokenUsage? Usage { get; protected set; }

    /// <summary>
    /// False when <see cref="Usage"/> is not the upstream's final count: an Anthropic stream that ended (client gone,
    /// upstream broke) before its <c>message_delta</c>, whose output count is still <c>message_start</c>'s placeholder.
    /// </summary>
    public bool UsageFinal { get; protected set; } = true;

    /// <summary>Why the model stopped, in the client's protocol (when the exchange translated it).</summary>
    public string? FinishReason { get; protected set; }

    /// <summary>Content events relayed to the client: an output estimate when a stream ends without usage.</summary>
    public int ChunksRelayed { get; protected set; }

    /// <summary>The body in the upstream's protocol (hooks may replace it).</summary>
    public ReadOnlyMemory<byte> Body => Output.WrittenMemory;

    /// <summary><c>anthropic</c> or <c>openai</c>: the upstream protocol, for hooks.</summary>
    public abstract string UpstreamProtocol { get; }

    /// <summary>Builds the upstream request (URL and protocol headers; auth is added by the caller).</summary>
    public abstract HttpRequestMessage CreateRequest(HttpContext context, ReadOnlyMemory<byte> body);

    /// <summary>
    /// Relays a successful upstream response to the client, translating as needed. Nothing is written until the
    /// upstream's first chunk (or whole body) has arrived intact, so a failure before that can still fail over.
    /// </summary>
    public abstract Task<RelayResult> WriteResponseAsync(HttpContext context, HttpResponseMessage response, StreamTimings timings, CancellationToken cancellationToken);

    /// <summary>Time from sending the request to committing the first byte to the client.</summary>
    public TimeSpan? TimeToFirstByte { get; protected set; }

    /// <summary>When the upstream request was sent (a <see cref="TimeProvider"/> timestamp), set by the pipeline.</summary>
    public long SentAt { get; set; }

    protected void MarkFirstByte() => TimeToFirstByte ??= Time.GetElapsedTime(SentAt);

    /// <summary>
    /// The flush a stream pump runs before it waits for the upstream: only once the first byte is committed, since
    /// a flush starts the response and then no other deployment could take over.
    /// </summary>
    protected Func<ValueTask> FlushOnceCommitted(System.IO.Pipelines.PipeWriter writer, CancellationToken ct) => async () =>
    {
        if (TimeToFirstByte is not null) await writer.FlushAsync(ct);
    };

    /// <summary>The upstream failures a relay handles: timeouts, broken connections, cancelled reads. Anything else is a bug.</summary>
    protected static bool IsUpstreamFailure(Exception ex) =>
        ex is StreamTimeoutException or HttpRequestException or IOException or OperationCanceledException;

    /// <summary>
    /// The upstream failed before anything reached the client: logs it and reports it as a value, so the
    /// request can still go to another deployment (502 for a broken connection, 504 for a timeout).
    /// </summary>
    protected RelayResult FailedBeforeFirstByte(Exception ex)
    {
        GatewayLog.UpstreamStreamBroken(Logger, Deployment.Id, ex.Message);
        var message = $"{Deployment.Id}: upstream failed before its first byte: {UpstreamFailureText.Of(ex)}";
        return ex is HttpRequestException or IOException
            ? RelayResult.NotSent(FailureKind.Connection, 502, message)
            : RelayResult.NotSent(FailureKind.Timeout, 504, message);
    }

    /// <summary>A JSON POST to the upstream.</summary>
    protected static HttpRequestMessage JsonPost(Uri uri, ReadOnlyMemory<byte> body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ReadOnlyMemoryContent(body) };
        request.Content.Headers.ContentType = JsonContentType;
        return request;
    }

    private static readonly System.Net.Http.Headers.MediaTypeHeaderValue JsonContentType = new("application/json");

    public virtual void Dispose() => Output.Dispose();
}

/// <summary>A pairing of client protocol and upstream protocol.</summary>
public interface IExchange
{
    PreparedCall Prepare(HttpContext context, InboundRequest request, ModelDeployment deployment);
}
