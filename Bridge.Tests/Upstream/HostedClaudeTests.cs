using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Gateway.Upstream.Aws;
using Bridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Bridge.Tests.Upstream;

/// <summary>
/// Claude on Amazon Bedrock and on Google Vertex AI through the real gateway. The fakes check what the clouds check:
/// Bedrock the path and the SigV4 signature (recomputed from the request, with the secret only the fake and the config
/// know) and answers in AWS event-stream framing; Vertex a Google OAuth token the gateway fetched from a fake token
/// endpoint with a service-account JWT.
/// </summary>
public sealed class HostedClaudeTests : IAsyncLifetime
{
    private const string AccessKey = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string BedrockModel = "anthropic.claude-sonnet-4-5-20250929-v1:0";
    private const string VertexToken = "ya29.fake-vertex-token";

    private FakeUpstream _upstream = null!;
    private GatewayHost _gateway = null!;
    private int _tokenFetches;
    private readonly List<string> _signatureProblems = [];

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync();
        _upstream.Handler = HandleAsync;
        using var rsa = RSA.Create(2048);
        var serviceAccount = new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = "bridge-test",
            ["private_key_id"] = "k1",
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = "bridge@bridge-test.iam.gserviceaccount.com",
            ["client_id"] = "1",
            ["token_uri"] = _upstream.BaseUrl + "/token",
        }.ToJsonString();
        _gateway = await GatewayHost.StartAsync($$"""
            model_list:
              - model_name: claude-bedrock
                litellm_params:
                  model: bedrock/{{BedrockModel}}
                  aws_access_key_id: {{AccessKey}}
                  aws_secret_access_key: {{SecretKey}}
                  aws_region_name: us-east-1
                  aws_bedrock_runtime_endpoint: {{_upstream.BaseUrl}}
              - model_name: claude-bedrock-newer-betas
                litellm_params:
                  model: bedrock/{{BedrockModel}}
                  aws_access_key_id: {{AccessKey}}
                  aws_secret_access_key: {{SecretKey}}
                  aws_region_name: us-east-1
                  aws_bedrock_runtime_endpoint: {{_upstream.BaseUrl}}
                  bedrock_betas: [mcp-servers-2025-12-04]
              - model_name: claude-bedrock-invoke
                litellm_params:
                  model: bedrock/invoke/{{BedrockModel}}
                  aws_access_key_id: {{AccessKey}}
                  aws_secret_access_key: wrong-secret
                  aws_region_name: us-east-1
                  aws_bedrock_runtime_endpoint: {{_upstream.BaseUrl}}
              - model_name: claude-vertex
                litellm_params:
                  model: vertex_ai/claude-sonnet-4-5@20250929
                  vertex_project: bridge-test
                  vertex_location: us-east5
                  vertex_credentials: '{{serviceAccount}}'
                  api_base: {{_upstream.BaseUrl}}
            general_settings:
              master_key: {{GatewayHost.MasterKey}}
            """);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context, RecordedRequest request)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        if (request.Path == "/token")
        {
            // Google's OAuth token endpoint: a JWT-bearer grant from the service account.
            Interlocked.Increment(ref _tokenFetches);
            var form = QueryHelpers(request.Body);
            if (form.GetValueOrDefault("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" || !form.ContainsKey("assertion"))
            {
                context.Response.StatusCode = 400;
                return;
            }
            await OpenAIResponses.WriteJsonAsync(context, $$"""{"access_token":"{{VertexToken}}","expires_in":3600,"token_type":"Bearer"}""");
            return;
        }
        if (raw.StartsWith("/model/", StringComparison.Ordinal))
        {
            if (!raw.StartsWith("/model/anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke", StringComparison.Ordinal) || !SignatureValid(request, raw))
            {
                context.Response.StatusCode = 403;
                await OpenAIResponses.WriteJsonAsync(context, """{"message":"The request signature we calculated does not match the signature you provided."}""", 403);
                return;
            }
            var events = AnthropicResponses.StreamEvents("Hello from Bedrock", []);
            if (raw.EndsWith("/invoke-with-response-stream", StringComparison.Ordinal))
            {
                context.Response.ContentType = "application/vnd.amazon.eventstream";
                foreach (var (_, data) in events)
                {
                    var payload = Encoding.UTF8.GetBytes($$"""{"bytes":"{{Convert.ToBase64String(Encoding.UTF8.GetBytes(data))}}"}""");
                    await context.Response.Body.WriteAsync(EventStreamMessage.Encode(
                        [new(":event-type", "chunk"), new(":content-type", "application/json"), new(":message-type", "event")], payload));
                    await context.Response.Body.FlushAsync();
                }
                return;
            }
            await OpenAIResponses.WriteJsonAsync(context, AnthropicResponses.TextMessage("Hello from Bedrock"));
            return;
        }
        if (raw.StartsWith("/v1/projects/bridge-test/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:", StringComparison.Ordinal))
        {
            if (request.Headers.GetValueOrDefault("authorization") != "Bearer " + VertexToken)
            {
                context.Response.StatusCode = 401;
                return;
            }
            if (raw.EndsWith(":streamRawPredict", StringComparison.Ordinal))
            {
                await AnthropicResponses.WriteSseAsync(context, AnthropicResponses.StreamEvents("Hello from Vertex", []));
                return;
            }
            await OpenAIResponses.WriteJsonAsync(context, AnthropicResponses.TextMessage("Hello from Vertex"));
            return;
        }
        context.Response.StatusCode = 404;
    }

    private static Dictionary<string, string> QueryHelpers(string form) => form.Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(pair => pair.Split('=', 2)).ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : "");

    /// <summary>Recomputes the request's SigV4 signature as AWS does, with the secret the fake knows.</summary>
    private bool SignatureValid(RecordedRequest request, string rawPath)
    {
        var authorization = request.Headers.GetValueOrDefault("authorization") ?? "";
        var parts = authorization.Replace("AWS4-HMAC-SHA256 ", "", StringComparison.Ordinal).Split(", ")
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var scope = parts["Credential"].Split('/');
        var signed = parts["SignedHeaders"].Split(';');
        var amzDate = request.Headers["x-amz-date"];
        var time = DateTimeOffset.ParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var bodyHash = SigV4.Sha256Hex(Encoding.UTF8.GetBytes(request.Body));
        if (scope[0] != AccessKey || scope[2] != "us-east-1" || scope[3] != "bedrock" || Math.Abs((DateTimeOffset.UtcNow - time).TotalMinutes) > 5
            || request.Headers.GetValueOrDefault("x-amz-content-sha256") != bodyHash)
        {
            lock (_signatureProblems) _signatureProblems.Add("scope, time or body hash");
            return false;
        }
        var expected = SigV4.Authorization("POST", SigV4.CanonicalUri(rawPath), "",
            signed.Select(name => new KeyValuePair<string, string>(name, request.Headers[name])).ToArray(),
            bodyHash, time, "us-east-1", "bedrock", AccessKey, SecretKey);
        var ok = expected == authorization;
        if (!ok) lock (_signatureProblems) _signatureProblems.Add("signature");
        return ok;
    }

    private static StringContent Messages(string model, bool stream) => new($$"""
        {"model":"{{model}}","max_tokens":64,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"Say hello."}]}
        """, Encoding.UTF8, "application/json");

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string path, HttpContent content, string? beta = null)
    {
        using var client = _gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add("anthropic-version", "2023-06-01");
        if (beta is not null) request.Headers.Add("anthropic-beta", beta);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ClaudeCodeOnBedrock_SignedInvoke_BodyAsBedrockWantsIt(bool stream)
    {
        var (status, body) = await PostAsync("/v1/messages", Messages("claude-bedrock", stream), beta: "claude-code-20250219,interleaved-thinking-2025-05-14,mcp-servers-2025-12-04");
        Assert.True(status == HttpStatusCode.OK, body + string.Join(",", _signatureProblems));
        // A stream arrives as two text deltas ("Hello fro", "m Bedrock"), decoded from AWS event-stream frames.
        Assert.Contains(stream ? "m Bedrock" : "Hello from Bedrock", body);
        if (stream) Assert.Contains("event: message_stop", body);

        var sent = JsonNode.Parse(_upstream.LastRequest.Body)!.AsObject();
        Assert.Equal("bedrock-2023-05-31", (string?)sent["anthropic_version"]);
        Assert.False(sent.ContainsKey("model"));
        Assert.False(sent.ContainsKey("stream"));
        // Only the betas Bedrock accepts: Claude Code's own and the MCP one would be "invalid beta flag".
        Assert.Equal(["interleaved-thinking-2025-05-14"], sent["anthropic_beta"]!.AsArray().Select(x => (string)x!).ToArray());
        Assert.Equal("Say hello.", (string?)sent["messages"]![0]!["content"]);
    }

    [Fact]
    public async Task BedrockDeployment_AcceptsTheBetasItsConfigAdds_AndStillDropsTheRest()
    {
        var (status, body) = await PostAsync("/v1/messages", Messages("claude-bedrock-newer-betas", stream: false),
            beta: "claude-code-20250219,interleaved-thinking-2025-05-14,mcp-servers-2025-12-04");
        Assert.True(status == HttpStatusCode.OK, body + string.Join(",", _signatureProblems));
        var sent = JsonNode.Parse(_upstream.LastRequest.Body)!.AsObject();
        Assert.Equal(["interleaved-thinking-2025-05-14", "mcp-servers-2025-12-04"], sent["anthropic_beta"]!.AsArray().Select(x => (string)x!).ToArray());
    }

    [Fact]
    public async Task OpenAIClientOnBedrock_IsTranslated_AndSigned()
    {
        var (status, body) = await PostAsync("/v1/chat/completions", new StringContent(
            """{"model":"claude-bedrock","stream":true,"messages":[{"role":"user","content":"Say hello."}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("chat.completion.chunk", body);
        Assert.Contains("[DONE]", body);
    }

    [Fact]
    public async Task AWrongSecret_IsRejectedByTheFake_AndReportedInTheClientsEnvelope()
    {
        var (status, body) = await PostAsync("/v1/messages", Messages("claude-bedrock-invoke", stream: false));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("permission_error", (string?)JsonNode.Parse(body)!["error"]!["type"]);
        Assert.Contains("signature", _signatureProblems);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ClaudeOnVertex_WithAServiceAccountToken(bool stream)
    {
        var (status, body) = await PostAsync("/v1/messages", Messages("claude-vertex", stream), beta: "interleaved-thinking-2025-05-14");
        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Contains(stream ? "event: message_stop" : "Hello from Vertex", body);
        var sent = JsonNode.Parse(_upstream.LastRequest.Body)!.AsObject();
        Assert.Equal("vertex-2023-10-16", (string?)sent["anthropic_version"]);
        Assert.False(sent.ContainsKey("model"));
        Assert.Equal("interleaved-thinking-2025-05-14", _upstream.LastRequest.Headers.GetValueOrDefault("anthropic-beta"));

        // The token is cached: a second request fetches none.
        var fetched = _tokenFetches;
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/v1/messages", Messages("claude-vertex", stream))).Status);
        Assert.Equal(fetched, _tokenFetches);
        Assert.Equal(1, _tokenFetches);
    }

    [Fact]
    public async Task HostedDeployments_AppearWithTheirProvider()
    {
        using var client = _gateway.CreateClient();
        var health = JsonNode.Parse(await client.GetStringAsync("/health/deployments"))!.ToJsonString();
        Assert.Contains("claude-bedrock", health);
        Assert.Contains("claude-vertex", health);
        var models = await client.GetStringAsync("/v1/models");
        Assert.Contains("claude-vertex", models);
    }
}
