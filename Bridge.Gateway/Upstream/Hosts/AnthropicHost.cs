using System.Buffers;

namespace Bridge.Gateway.Upstream.Hosts;

/// <summary>
/// A cloud that serves Claude through its own door (Amazon Bedrock, Google Vertex AI): the Anthropic Messages body with
/// the model in the URL and <c>anthropic_version</c> in the body, the cloud's own authentication, and possibly its own
/// stream framing. Every pair whose upstream speaks Anthropic Messages goes through one when the deployment has one
/// (<see cref="Configuration.ModelDeployment.Host"/>); translation and relay are unchanged.
/// </summary>
public abstract class AnthropicHost
{
    /// <summary>LiteLLM's provider prefix (<c>bedrock</c>, <c>vertex_ai</c>), for logs and the admin.</summary>
    public abstract string Name { get; }

    /// <summary>Where a (streaming or not) Messages request goes.</summary>
    public abstract Uri MessagesUri(bool stream);

    /// <summary>
    /// Rewrites an Anthropic Messages body for this cloud. <paramref name="betas"/> are the client's
    /// <c>anthropic-beta</c> values; a cloud that takes them in the body (Bedrock) filters and moves them there.
    /// </summary>
    public abstract void WriteBody(ReadOnlySpan<byte> body, IReadOnlyList<string> betas, IBufferWriter<byte> output);

    /// <summary>Whether the client's <c>anthropic-beta</c> header is sent on as a header.</summary>
    public virtual bool ForwardsBetaHeader => false;

    /// <summary>Adds the cloud's credentials to a request whose body is <paramref name="body"/>.</summary>
    public abstract ValueTask AuthorizeAsync(HttpRequestMessage request, ReadOnlyMemory<byte> body, CancellationToken cancellationToken);

    /// <summary>Turns a successful answer into what an Anthropic upstream would have sent (e.g. Bedrock's event-stream into SSE).</summary>
    public virtual void AdaptResponse(HttpResponseMessage response, long maxEventBytes)
    {
    }
}
