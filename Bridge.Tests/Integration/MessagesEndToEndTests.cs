using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Bridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Bridge.Tests.Integration;

/// <summary>
/// <c>/v1/messages</c> through the real gateway to fake Azure/OpenAI servers: what the upstream received
/// and what the client got back.
/// </summary>
public sealed class MessagesEndToEndTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<(HttpResponseMessage Response, string Body)> PostAsync(string body, string path = "/v1/messages?beta=true", HttpClient? client = null)
    {
        client ??= fixture.Gateway.CreateClient();
        var response = await client.PostAsync(path, Json(body));
        return (response, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ServerTools_LeftOutOfTheUpstreamRequest_AreNamedInAResponseHeader(bool stream)
    {
        fixture.OpenAI.Handler = (ctx, _) => stream
            ? OpenAIResponses.WriteSseAsync(ctx, [OpenAIResponses.Chunk("""{"role":"assistant","content":"no search here"}"""), OpenAIResponses.Chunk("{}", "stop")])
            : OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("no search here"));

        var (response, _) = await PostAsync("""
            {"model": "claude-opus-4-8", "max_tokens": 100, "stream": STREAM,
             "messages": [{"role": "user", "content": "look it up"}],
             "tools": [{"type": "web_search_20250305", "name": "web_search", "max_uses": 5},
                       {"name": "Read", "description": "Reads a file", "input_schema": {"type": "object", "properties": {"path": {"type": "string"}}}}]}
            """.Replace("STREAM", stream ? "true" : "false", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("web_search (web_search_20250305)", Assert.Single(response.Headers.GetValues("x-bridge-dropped-tools")));
        var tools = JsonNode.Parse(fixture.OpenAI.LastRequest.Body)!["tools"]!.AsArray();
        Assert.Equal("Read", (string)Assert.Single(tools)!["function"]!["name"]!);
    }

    [Theory]
    [InlineData("""{"error":{"message":"slow down","type":"tokens","code":"rate_limit_exceeded"}}""", 429, "rate_limit_error")]
    [InlineData("""{"error":{"message":"slow down","code":"429"}}""", 429, "rate_limit_error")]
    [InlineData("""{"error":{"object":"error","message":"slow down: maximum context length is 8192 tokens","type":"BadRequestError","code":400}}""", 400, "invalid_request_error")]
    [InlineData("""{"error":{"object":"error","message":"slow down, engine died","type":"BadRequestError","code":400}}""", 502, "api_error")] // vLLM's own faults
    [InlineData("""{"error":{"message":"slow down","type":"server_error","code":503}}""", 503, "overloaded_error")]
    [InlineData("""{"error":{"message":"slow down","type":"server_error"}}""", 502, "api_error")]
    public async Task OpenAIStream_ErrorObjectBeforeAnyContent_IsAnsweredWithTheStatusItNames(string chunk, int status, string type)
    {
        fixture.OpenAI.Handler = (ctx, _) => OpenAIResponses.WriteSseAsync(ctx, [chunk]);

        var (response, text) = await PostAsync("""{"model": "claude-opus-4-8", "max_tokens": 100, "stream": true, "messages": [{"role": "user", "content": "hi"}]}""");

        Assert.Equal(status, (int)response.StatusCode);
        var error = JsonNode.Parse(text)!["error"]!;
        Assert.Equal(type, (string)error["type"]!);
        Assert.Contains("slow down", (string)error["message"]!);
    }

    [Theory]
    [InlineData("""{"error":{"message":"slow down","code":"rate_limit_exceeded"}}""", 429)]
    [InlineData("""{"error":{"message":"slow down"}}""", 502)]
    public async Task OpenAIJson200_WithAnErrorBody_IsAnsweredWithTheStatusItNames(string body, int status)
    {
        fixture.OpenAI.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, body);

        var (response, text) = await PostAsync("""{"model": "claude-opus-4-8", "max_tokens": 100, "messages": [{"role": "user", "content": "hi"}]}""");

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains("slow down", (string)JsonNode.Parse(text)!["error"]!["message"]!);
    }

    [Fact]
    public async Task WithoutServerTools_NoDroppedToolsHeader()
    {
        fixture.OpenAI.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("ok"));

        var (response, _) = await PostAsync("""{"model": "claude-opus-4-8", "max_tokens": 100, "messages": [{"role": "user", "content": "hi"}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("x-bridge-dropped-tools"));
    }

    [Fact]
    public async Task ClaudeCodeToolResultTurn_ReachesAzureClassicDeployment_WithApiKeyHeaderAndApiVersion()
    {
        fixture.Azure.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("The files are listed.", promptTokens: 900, completionTokens: 7, cachedTokens: 800));
        var body = Fixtures.RequestJson("cc-tool-bash-sonnet", 3);
        body["stream"] = false;
        body["model"] = "claude-sonnet-4-5-20250929";

        var (response, text) = await PostAsync(body.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var upstream = fixture.Azure.LastRequest;
        Assert.Equal("/openai/deployments/gpt-5.2-chat/chat/completions", upstream.Path);
        Assert.Equal("?api-version=2024-12-01-preview", upstream.Query);
        Assert.Equal(GatewayFixture.AzureKey, upstream.Headers["api-key"]);
        Assert.False(upstream.Headers.ContainsKey("authorization"));
        Assert.False(upstream.Headers.ContainsKey("x-api-key"));

        var sent = JsonNode.Parse(upstream.Body)!.AsObject();
        foreach (var forbidden in new[] { "thinking", "output_config", "context_management", "metadata", "system", "max_tokens", "stream_options" })
        {
            Assert.False(sent.ContainsKey(forbidden), $"'{forbidden}' must not reach Azure");
        }
        Assert.Equal(body["max_tokens"]!.GetValue<int>() > 16384 ? 16384 : body["max_tokens"]!.GetValue<int>(), sent["max_completion_tokens"]!.GetValue<int>());
        Assert.Equal(1, sent["temperature"]!.GetValue<double>());
        var messages = sent["messages"]!.AsArray();
        Assert.Equal("system", (string)messages[0]!["role"]!);
        Assert.Contains(messages, m => (string)m!["role"]! == "tool");

        var message = JsonNode.Parse(text)!;
        Assert.Equal("message", (string)message["type"]!);
        Assert.StartsWith("msg_", (string)message["id"]!);
        Assert.Equal("claude-sonnet-4-5-20250929", (string)message["model"]!);
        Assert.Equal("The files are listed.", (string)message["content"]![0]!["text"]!);
        Assert.Equal("end_turn", (string)message["stop_reason"]!);
        Assert.Equal(100, (int)message["usage"]!["input_tokens"]!);
        Assert.Equal(800, (int)message["usage"]!["cache_read_input_tokens"]!);
        Assert.Equal(7, (int)message["usage"]!["output_tokens"]!);
        Assert.True(response.Headers.Contains("request-id"));
    }

    [Fact]
    public async Task OpenAIDeployment_GetsBearerKeyAndV1Path()
    {
        fixture.OpenAI.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("hi"));
        var (response, _) = await PostAsync("""{"model":"gpt-4o","max_tokens":50,"messages":[{"role":"user","content":"hello"}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var upstream = fixture.OpenAI.LastRequest;
        Assert.Equal("/v1/chat/completions", upstream.Path);
        Assert.Equal($"Bearer {GatewayFixture.OpenAIKey}", upstream.Headers["authorization"]);
        Assert.False(upstream.Headers.ContainsKey("api-key"));
        var sent = JsonNode.Parse(upstream.Body)!;
        Assert.Equal("gpt-4o", (string)sent["model"]!);
        Assert.Equal(50, (int)sent["max_tokens"]!);
    }

    [Fact]
    public async Task Streaming_ParallelToolCalls_ArriveAsAnthropicEventsInOrder()
    {
        fixture.OpenAI.Handler = (ctx, _) => OpenAIResponses.WriteSseAsync(ctx,
        [
            OpenAIResponses.Chunk("""{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_A","type":"function","function":{"name":"Read","arguments":""}}]}"""),
            OpenAIResponses.Chunk("""{"tool_calls":[{"index":1,"id":"call_B","type":"function","function":{"name":"Bash","arguments":""}}]}"""),
            OpenAIResponses.Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"{\"file_path\":"}}]}"""),
            OpenAIResponses.Chunk("""{"tool_calls":[{"index":1,"function":{"arguments":"{\"command\":\"ls\"}"}}]}"""),
            OpenAIResponses.Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"\"/tmp/a\"}"}}]}"""),
            OpenAIResponses.Chunk("{}", "tool_calls"),
            OpenAIResponses.UsageChunk(120, 30),
        ]);
        var body = Fixtures.RequestJson("cc-tool-read-default", 2);
        body["model"] = "claude-opus-4-8";

        var (response, text) = await PostAsync(body.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/event-stream", response.Content.Headers.ContentType!.ToString());
        var events = Sse.Parse(text);
        Assert.Equal(
            ["message_start", "ping", "content_block_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta",
             "content_block_stop", "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.Event).ToArray());
        var starts = events.Where(e => e.Event == "content_block_start").Select(e => e.Data!).ToList();
        Assert.Equal("Read", (string)starts[0]["content_block"]!["name"]!);
        Assert.Equal(0, (int)starts[0]["index"]!);
        Assert.Equal("Bash", (string)starts[1]["content_block"]!["name"]!);
        Assert.Equal(1, (int)starts[1]["index"]!);
        var byIndex = events.Where(e => e.Event == "content_block_delta")
            .GroupBy(e => (int)e.Data!["index"]!)
            .ToDictionary(g => g.Key, g => string.Concat(g.Select(e => (string)e.Data!["delta"]!["partial_json"]!)));
        Assert.Equal("""{"file_path":"/tmp/a"}""", byIndex[0]);
        Assert.Equal("""{"command":"ls"}""", byIndex[1]);
        var delta = events.Single(e => e.Event == "message_delta").Data!;
        Assert.Equal("tool_use", (string)delta["delta"]!["stop_reason"]!);
        Assert.Equal(30, (int)delta["usage"]!["output_tokens"]!);

        var sent = JsonNode.Parse(fixture.OpenAI.LastRequest.Body)!;
        Assert.True((bool)sent["stream"]!);
        Assert.True((bool)sent["stream_options"]!["include_usage"]!);
    }

    [Fact]
    public async Task UpstreamDiesMidStream_ClientGetsErrorEventAndNoMessageStop()
    {
        fixture.OpenAI.Handler = async (ctx, _) =>
        {
            await OpenAIResponses.WriteSseAsync(ctx, [OpenAIResponses.Chunk("""{"role":"assistant","content":"Partial"}""")], done: false);
            // Give the gateway time to read what was sent: a reset discards unread bytes on the receiving side.
            await Task.Delay(300);
            ctx.Abort();
        };
        var (response, text) = await PostAsync("""{"model":"gpt-4o","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"hello"}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = Sse.Parse(text);
        Assert.Equal("error", events[^1].Event);
        Assert.DoesNotContain(events, e => e.Event == "message_stop");
        Assert.Contains(events, e => e.Event == "content_block_delta" && (string)e.Data!["delta"]!["text"]! == "Partial");
    }

    [Fact]
    public async Task Upstream429_IsReEnvelopedWithStatusRetryAfterAndDeploymentName()
    {
        fixture.OpenAI.Handler = (ctx, _) => OpenAIResponses.WriteErrorAsync(ctx, 429, "Rate limit reached for gpt-4o", "rate_limit_exceeded", retryAfterSeconds: 7);
        var (response, text) = await PostAsync("""{"model":"gpt-4o","max_tokens":50,"messages":[{"role":"user","content":"hello"}]}""");

        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
        var error = JsonNode.Parse(text)!;
        Assert.Equal("error", (string)error["type"]!);
        Assert.Equal("rate_limit_error", (string)error["error"]!["type"]!);
        Assert.Equal("gpt-4o#1: Rate limit reached for gpt-4o", (string)error["error"]!["message"]!);
    }

    [Fact]
    public async Task Upstream400_KeepsStatusAndMessage()
    {
        fixture.Azure.Handler = (ctx, _) => OpenAIResponses.WriteErrorAsync(ctx, 400, "Unsupported value: 'temperature'");
        var (response, text) = await PostAsync("""{"model":"claude-haiku-4-5-20251001","max_tokens":50,"messages":[{"role":"user","content":"x"}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", (string)JsonNode.Parse(text)!["error"]!["type"]!);
        Assert.Contains("Unsupported value: 'temperature'", (string)JsonNode.Parse(text)!["error"]!["message"]!);
    }

    [Fact]
    public async Task DeploymentWithUnsetSecret_AnswersWithErrorNamingTheVariable()
    {
        var (response, text) = await PostAsync("""{"model":"needs-secret","max_tokens":5,"messages":[{"role":"user","content":"x"}]}""");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("BRIDGE_TEST_UNSET_VARIABLE", (string)JsonNode.Parse(text)!["error"]!["message"]!);
    }

    [Fact]
    public async Task UnknownModel_Is404InAnthropicEnvelope_ListingModels()
    {
        var (response, text) = await PostAsync("""{"model":"claude-unknown-1","max_tokens":5,"messages":[{"role":"user","content":"x"}]}""");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = JsonNode.Parse(text)!["error"]!;
        Assert.Equal("not_found_error", (string)error["type"]!);
        Assert.Contains("gpt-4o", (string)error["message"]!);
        Assert.Contains("claude-haiku-4-5-20251001", (string)error["message"]!);
    }

    [Theory]
    [InlineData("{\"model\":", "not valid JSON")]
    [InlineData("[1,2]", "JSON object")]
    [InlineData("{\"max_tokens\":5,\"messages\":[]}", "model")]
    [InlineData("{\"model\":\"gpt-4o\",\"max_tokens\":5}", "messages")]
    [InlineData("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "max_tokens")]
    [InlineData("{\"model\":\"gpt-4o\",\"max_tokens\":\"many\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "max_tokens")]
    [InlineData("{\"model\":\"gpt-4o\",\"max_tokens\":5,\"messages\":\"hello\"}", "messages")]
    public async Task BadInput_Is400InAnthropicEnvelope_NamingTheProblem(string body, string mentioned)
    {
        var (response, text) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = JsonNode.Parse(text)!;
        Assert.Equal("error", (string)json["type"]!);
        Assert.Equal("invalid_request_error", (string)json["error"]!["type"]!);
        Assert.Contains(mentioned, (string)json["error"]!["message"]!);
    }

    [Fact]
    public async Task OversizedBody_Is413RequestTooLarge()
    {
        var big = new string('a', 1_100_000);
        var (response, text) = await PostAsync($$"""{"model":"gpt-4o","max_tokens":5,"messages":[{"role":"user","content":"{{big}}"}]}""");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request_too_large", (string)JsonNode.Parse(text)!["error"]!["type"]!);
    }

    [Fact]
    public async Task BodyWithoutLength_ArrivingInPieces_IsReadWhole_AndPastTheLimit_Is413()
    {
        string? received = null;
        fixture.OpenAI.Handler = (ctx, request) =>
        {
            received = request.Body;
            return OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("ok"));
        };
        // 300 KB sent chunked (no Content-Length) in seven pieces with pauses: read as the pieces arrive, the buffer
        // growing past its first 64 KB, and every byte reaches the upstream.
        var text = string.Concat(Enumerable.Range(0, 30_000).Select(i => (i % 10_000).ToString("D10", System.Globalization.CultureInfo.InvariantCulture)));
        var body = Encoding.UTF8.GetBytes($$"""{"model":"gpt-4o","max_tokens":5,"messages":[{"role":"user","content":"{{text}}"}]}""");
        using var response = await fixture.Gateway.CreateClient().PostAsync("/v1/messages", new PiecewiseContent(body, pieces: 7));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"\"content\":\"{text}\"", received);

        // Past the limit without a declared length: a 413 in the Anthropic envelope once the limit is crossed.
        var big = Encoding.UTF8.GetBytes($$"""{"model":"gpt-4o","max_tokens":5,"messages":[{"role":"user","content":"{{new string('a', 1_100_000)}}"}]}""");
        using var tooLarge = await fixture.Gateway.CreateClient().PostAsync("/v1/messages", new PiecewiseContent(big, pieces: 3));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("request_too_large", (string)JsonNode.Parse(await tooLarge.Content.ReadAsStringAsync())!["error"]!["type"]!);
    }

    /// <summary>A JSON body sent chunked, in pieces with a pause after each.</summary>
    private sealed class PiecewiseContent : HttpContent
    {
        private readonly byte[] _bytes;
        private readonly int _pieces;

        public PiecewiseContent(byte[] bytes, int pieces)
        {
            (_bytes, _pieces) = (bytes, pieces);
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var size = (_bytes.Length + _pieces - 1) / _pieces;
            for (var at = 0; at < _bytes.Length; at += size)
            {
                await stream.WriteAsync(_bytes.AsMemory(at, Math.Min(size, _bytes.Length - at)));
                await stream.FlushAsync();
                await Task.Delay(20);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("wrong-key", HttpStatusCode.Unauthorized)]
    [InlineData("bearer", HttpStatusCode.OK)]
    [InlineData("x-api-key", HttpStatusCode.OK)]
    public async Task Auth_AcceptsMasterKeyAsBearerOrXApiKey_AndRefusesOthers(string? mode, HttpStatusCode expected)
    {
        fixture.OpenAI.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("ok"));
        var client = fixture.Gateway.CreateClient(key: null);
        if (mode == "bearer") client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayHost.MasterKey);
        else if (mode == "x-api-key") client.DefaultRequestHeaders.Add("x-api-key", GatewayHost.MasterKey);
        else if (mode is not null) client.DefaultRequestHeaders.Add("x-api-key", mode);

        var (response, text) = await PostAsync("""{"model":"gpt-4o","max_tokens":5,"messages":[{"role":"user","content":"x"}]}""", client: client);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Unauthorized)
        {
            Assert.Equal("authentication_error", (string)JsonNode.Parse(text)!["error"]!["type"]!);
        }
    }

    [Fact]
    public async Task RootProbe_AnswersWithoutAKey()
    {
        var client = fixture.Gateway.CreateClient(key: null);
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"));
        using var get = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
    }

    [Fact]
    public async Task ClientDisconnect_CancelsTheUpstreamRequest()
    {
        var upstreamCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var upstreamStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.OpenAI.Handler = async (ctx, _) =>
        {
            ctx.RequestAborted.Register(() => upstreamCancelled.TrySetResult());
            ctx.Response.ContentType = "text/event-stream";
            await ctx.Response.WriteAsync("data: " + OpenAIResponses.Chunk("""{"role":"assistant","content":"x"}""") + "\n\n");
            await ctx.Response.Body.FlushAsync();
            upstreamStarted.TrySetResult();
            await Task.Delay(TimeSpan.FromSeconds(30), ctx.RequestAborted).ContinueWith(_ => { });
        };

        using var cts = new CancellationTokenSource();
        var client = fixture.Gateway.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages")
        {
            Content = Json("""{"model":"gpt-4o","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"x"}]}"""),
        };
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        await upstreamStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        cts.Cancel();
        response.Dispose();

        await upstreamCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
