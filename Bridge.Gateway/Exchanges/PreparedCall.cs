using Bridge.Gateway.Buffers;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Relay;
using Microsoft.AspNetCore.Http;

namespace Bridge.Gateway.Exchanges;

/// <summary>
/// One client request translated for one deployment (the pair's request translator has run): the body to send,
/// how to address the upstream, and the pair's response and stream translators for this request. The relay
/// (<see cref="AttemptRelay"/>) does everything else. Created per attempt, disposed after it.
/// </summary>
public abstract class PreparedCall : IDisposable
{
    protected PreparedCall(ModelDeployment deployment, PooledBufferWriter output)
    {
        Deployment = deployment;
        Output = output;
    }

    /// <summary>The translated body (owned by this call, returned to the pool on dispose).</summary>
    protected PooledBufferWriter Output { get; }

    public ModelDeployment Deployment { get; }

    /// <summary>False when the client's request is invalid for this route; then <see cref="ErrorMessage"/> says why.</summary>
    public bool Ok { get; protected init; } = true;
    public string? ErrorMessage { get; protected init; }
    /// <summary>The offending parameter, for OpenAI's error envelope.</summary>
    public string? ErrorParam { get; protected init; }
    public bool Stream { get; protected init; }
    /// <summary>The client's model name, echoed back in responses.</summary>
    public string RequestedModel { get; protected init; } = "";

    /// <summary>Stores the answer of a Responses request the gateway keeps (set by the pipeline); null otherwise.</summary>
    public StoredResponses.ResponseKeeper? Keeper { get; set; }

    /// <summary>The body in the upstream's protocol (hooks may replace it).</summary>
    public ReadOnlyMemory<byte> Body => Output.WrittenMemory;

    /// <summary><c>anthropic</c> or <c>openai</c>: the upstream protocol, for hooks.</summary>
    public abstract string UpstreamProtocol { get; }

    /// <summary>Builds the upstream request (URL and protocol headers; auth is added by the caller).</summary>
    public abstract HttpRequestMessage CreateRequest(HttpContext context, ReadOnlyMemory<byte> body);

    /// <summary>The translator of a whole (non-streamed) upstream answer into the client's protocol.</summary>
    public abstract IResponseTranslator CreateResponseTranslator();

    /// <summary>A fresh translator of the upstream's stream into the client's protocol.</summary>
    public abstract IStreamTranslator CreateStreamTranslator();

    /// <summary>Whether the upstream's answer is relayed as a stream (by default: whether the client asked for one).</summary>
    public virtual bool IsStream(HttpResponseMessage response) => Stream;

    /// <summary>Called once, just before the response starts: the pair's own response headers.</summary>
    public virtual void OnCommit(HttpResponse response)
    {
    }

    /// <summary>A JSON POST to the upstream.</summary>
    protected static HttpRequestMessage JsonPost(Uri uri, ReadOnlyMemory<byte> body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ReadOnlyMemoryContent(body) };
        request.Content.Headers.ContentType = JsonContentType;
        return request;
    }

    private static readonly System.Net.Http.Headers.MediaTypeHeaderValue JsonContentType = new("application/json");

    /// <summary>The exact bytes sent, for a cloud that signs them (Bedrock's SigV4 hashes the body).</summary>
    public static readonly HttpRequestOptionsKey<ReadOnlyMemory<byte>> SentBody = new("bridge.sent_body");

    /// <summary>
    /// A Messages request to an Anthropic-format upstream: Anthropic's own API (with <c>anthropic-version</c> and, when
    /// <paramref name="clientHeaders"/>, the client's version and betas), or a cloud's door to Claude
    /// (<see cref="ModelDeployment.Host"/>), which rewrites the body for itself.
    /// </summary>
    protected HttpRequestMessage AnthropicPost(HttpContext context, ReadOnlyMemory<byte> body, bool clientHeaders, string pathSuffix = "")
    {
        var inbound = context.Request.Headers;
        var beta = clientHeaders && inbound.TryGetValue("anthropic-beta", out var b) && !string.IsNullOrEmpty(b) ? b.ToString() : null;
        if (Deployment.Host is { } host)
        {
            var rewritten = new System.Buffers.ArrayBufferWriter<byte>(body.Length + 256);
            host.WriteBody(body.Span, beta?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [], rewritten);
            var hosted = JsonPost(host.MessagesUri(Stream), rewritten.WrittenMemory);
            hosted.Options.Set(SentBody, rewritten.WrittenMemory);
            if (beta is not null && host.ForwardsBetaHeader) hosted.Headers.TryAddWithoutValidation("anthropic-beta", beta);
            return hosted;
        }
        var request = JsonPost(Upstream.UpstreamEndpoints.AnthropicMessages(Deployment, pathSuffix), body);
        request.Headers.TryAddWithoutValidation("anthropic-version",
            clientHeaders && inbound.TryGetValue("anthropic-version", out var version) && !string.IsNullOrEmpty(version) ? version.ToString() : "2023-06-01");
        if (beta is not null) request.Headers.TryAddWithoutValidation("anthropic-beta", beta);
        return request;
    }

    public virtual void Dispose() => Output.Dispose();
}
