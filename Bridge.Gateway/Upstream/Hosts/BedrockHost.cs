using System.Buffers;
using System.Net.Http.Headers;
using Amazon.Runtime;
using Bridge.Gateway.Upstream.Aws;

namespace Bridge.Gateway.Upstream.Hosts;

/// <summary>
/// Claude on Amazon Bedrock through InvokeModel (LiteLLM's <c>bedrock/</c> and <c>bedrock/invoke/</c>):
/// <c>POST {runtime}/model/{modelId}/invoke</c> (or <c>invoke-with-response-stream</c>), the Messages body without
/// <c>model</c> and <c>stream</c>, <c>anthropic_version: bedrock-2023-05-31</c> and the betas Bedrock accepts in
/// <c>anthropic_beta</c>, signed with SigV4 for <c>bedrock</c> in the deployment's region. Credentials come from the
/// deployment (<c>aws_access_key_id</c>, ...), a named profile, or AWS's standard chain (environment, profile, web
/// identity, instance metadata), resolved on first use and refreshed by the SDK.
/// </summary>
public sealed class BedrockHost(string modelId, string region, Uri runtime, Func<AWSCredentials> credentials, TimeProvider time,
    IReadOnlyCollection<string>? extraBetas = null) : AnthropicHost
{
    public const string AnthropicVersion = "bedrock-2023-05-31";

    /// <summary>
    /// The <c>anthropic-beta</c> values Bedrock's InvokeModel accepts (AWS's Claude parameter documentation); any other
    /// makes it answer 400 "invalid beta flag", which Claude Code's newer betas trigger. A deployment adds to it with
    /// <c>bedrock_betas</c>.
    /// </summary>
    public static readonly IReadOnlySet<string> AcceptedBetas = new HashSet<string>(StringComparer.Ordinal)
    {
        "computer-use-2024-10-22", "computer-use-2025-01-24", "token-efficient-tools-2025-02-19", "interleaved-thinking-2025-05-14",
        "output-128k-2025-02-19", "dev-full-thinking-2025-05-14", "context-1m-2025-08-07", "context-management-2025-06-27",
        "effort-2025-11-24", "tool-search-tool-2025-10-19", "tool-examples-2025-10-29",
    };

    private readonly Lazy<AWSCredentials> _credentials = new(credentials);
    private readonly IReadOnlySet<string> _accepted = extraBetas is { Count: > 0 }
        ? new HashSet<string>(AcceptedBetas.Concat(extraBetas), StringComparer.Ordinal)
        : AcceptedBetas;

    public override string Name => "bedrock";

    public string Region => region;

    public override Uri MessagesUri(bool stream) =>
        new($"{runtime.AbsoluteUri.TrimEnd('/')}/model/{Uri.EscapeDataString(modelId)}/{(stream ? "invoke-with-response-stream" : "invoke")}");

    public override void WriteBody(ReadOnlySpan<byte> body, IReadOnlyList<string> betas, IBufferWriter<byte> output)
    {
        var accepted = AnthropicBodyRewriter.StringArray(body, "anthropic_beta").Concat(betas)
            .Where(_accepted.Contains).Distinct(StringComparer.Ordinal).ToArray();
        AnthropicBodyRewriter.Rewrite(body, name => name is "model" or "stream" or "anthropic_version" or "anthropic_beta", writer =>
        {
            writer.WriteString("anthropic_version"u8, AnthropicVersion);
            if (accepted.Length == 0) return;
            writer.WriteStartArray("anthropic_beta"u8);
            foreach (var beta in accepted) writer.WriteStringValue(beta);
            writer.WriteEndArray();
        }, output);
    }

    public override async ValueTask AuthorizeAsync(HttpRequestMessage request, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var identity = await _credentials.Value.GetCredentialsAsync();
        var uri = request.RequestUri!;
        var now = time.GetUtcNow();
        var amzDate = SigV4.AmzDate(now);
        var host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        var headers = new List<KeyValuePair<string, string>> { new("host", host), new("x-amz-date", amzDate) };
        if (identity.UseToken) headers.Add(new("x-amz-security-token", identity.Token));
        var payloadHash = SigV4.Sha256Hex(body.Span);
        request.Headers.TryAddWithoutValidation("x-amz-date", amzDate);
        if (identity.UseToken) request.Headers.TryAddWithoutValidation("x-amz-security-token", identity.Token);
        request.Headers.TryAddWithoutValidation("x-amz-content-sha256", payloadHash);
        headers.Add(new("x-amz-content-sha256", payloadHash));
        request.Headers.TryAddWithoutValidation("Authorization", SigV4.Authorization(request.Method.Method, SigV4.CanonicalUri(uri.AbsolutePath),
            uri.Query.TrimStart('?'), headers, payloadHash, now, region, "bedrock", identity.AccessKey, identity.SecretKey));
    }

    public override void AdaptResponse(HttpResponseMessage response, long maxEventBytes)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/vnd.amazon.eventstream") return;
        var inner = response.Content;
        var content = new StreamContent(new BedrockSseStream(inner.ReadAsStream(), maxEventBytes));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
        response.Content = content;
    }
}
