using System.Buffers;
using System.Net.Http.Headers;
using Google.Apis.Auth.OAuth2;

namespace Bridge.Gateway.Upstream.Hosts;

/// <summary>
/// Claude on Google Vertex AI (LiteLLM's <c>vertex_ai/</c> with a Claude model):
/// <c>POST {base}/v1/projects/{project}/locations/{location}/publishers/anthropic/models/{model}:rawPredict</c>
/// (<c>:streamRawPredict</c> for a stream), the Messages body without <c>model</c> and with
/// <c>anthropic_version: vertex-2023-10-16</c>, the <c>anthropic-beta</c> header passed on, and a Google OAuth token
/// from the deployment's <c>vertex_credentials</c> (a service-account file or its JSON) or the application default
/// credentials; the Google library caches the token and refreshes it before it expires.
/// </summary>
public sealed class VertexHost(string model, string project, string location, Uri? apiBase, Func<ITokenAccess> credentials) : AnthropicHost
{
    public const string AnthropicVersion = "vertex-2023-10-16";
    public const string Scope = "https://www.googleapis.com/auth/cloud-platform";

    private readonly Lazy<ITokenAccess> _credentials = new(credentials);

    public override string Name => "vertex_ai";

    public override bool ForwardsBetaHeader => true;

    public override Uri MessagesUri(bool stream)
    {
        var root = apiBase?.AbsoluteUri.TrimEnd('/')
            ?? (location == "global" ? "https://aiplatform.googleapis.com" : $"https://{location}-aiplatform.googleapis.com");
        return new Uri($"{root}/v1/projects/{Uri.EscapeDataString(project)}/locations/{Uri.EscapeDataString(location)}/publishers/anthropic/models/"
            // Vertex names versions with '@' (claude-sonnet-4-5@20250929), which a path segment may hold as it is.
            + $"{Uri.EscapeDataString(model).Replace("%40", "@", StringComparison.Ordinal)}:{(stream ? "streamRawPredict" : "rawPredict")}");
    }

    public override void WriteBody(ReadOnlySpan<byte> body, IReadOnlyList<string> betas, IBufferWriter<byte> output) =>
        AnthropicBodyRewriter.Rewrite(body, name => name is "model" or "anthropic_version",
            writer => writer.WriteString("anthropic_version"u8, AnthropicVersion), output);

    public override async ValueTask AuthorizeAsync(HttpRequestMessage request, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var token = await _credentials.Value.GetAccessTokenForRequestAsync(request.RequestUri!.AbsoluteUri, cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }
}
