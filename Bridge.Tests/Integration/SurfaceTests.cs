using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Bridge.Tests.Infrastructure;

namespace Bridge.Tests.Integration;

/// <summary>Model lists, token counting, the Azure-style path, request ids and per-surface errors.</summary>
public sealed class SurfaceTests(MatrixFixture fixture) : IClassFixture<MatrixFixture>
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Models_OpenAIShape_ListsModelsAndAliases()
    {
        using var client = fixture.Gateway.CreateClient();
        using var response = await client.GetAsync("/v1/models");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal("list", (string)body["object"]!);
        var ids = body["data"]!.AsArray().Select(m => (string)m!["id"]!).ToList();
        Assert.Equal([MatrixFixture.AnthropicModel, MatrixFixture.OpenAIModel, "claude-sonnet-4-5-20250929"], ids);
        Assert.All(body["data"]!.AsArray(), m => Assert.Equal("model", (string)m!["object"]!));
        Assert.True(response.Headers.Contains("x-request-id"));
    }

    [Fact]
    public async Task Models_AnthropicShape_WhenAnthropicVersionIsSent()
    {
        using var client = fixture.Gateway.CreateClient();
        client.DefaultRequestHeaders.Add("anthropic-version", "2023-06-01");
        using var response = await client.GetAsync("/v1/models");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        var data = body["data"]!.AsArray();
        Assert.All(data, m =>
        {
            Assert.Equal("model", (string)m!["type"]!);
            Assert.False(string.IsNullOrEmpty((string)m["display_name"]!));
            Assert.True(DateTimeOffset.TryParse((string)m["created_at"]!, out _));
        });
        Assert.False((bool)body["has_more"]!);
        Assert.Equal((string)data[0]!["id"]!, (string)body["first_id"]!);
        Assert.Equal((string)data[^1]!["id"]!, (string)body["last_id"]!);
        Assert.True(response.Headers.Contains("request-id"));
    }

    [Fact]
    public async Task CountTokens_OpenAITarget_CountsLocally_WithoutCallingUpstream()
    {
        var before = fixture.OpenAI.Requests.Count;
        using var client = fixture.Gateway.CreateClient();
        using var response = await client.PostAsync("/v1/messages/count_tokens?beta=true", Json(Fixtures.RequestBody("sdk-anthropic", 4).Replace("claude-sonnet-4-5-20250929", MatrixFixture.OpenAIModel)));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.InRange((int)body["input_tokens"]!, 20, 400);
        Assert.Equal(before, fixture.OpenAI.Requests.Count);
    }

    [Fact]
    public async Task CountTokens_UnknownModel_IsStillCounted()
    {
        using var client = fixture.Gateway.CreateClient();
        using var response = await client.PostAsync("/v1/messages/count_tokens", Json("""{"model":"claude-opus-9","messages":[{"role":"user","content":"hello world"}],"tools":[]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((int)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["input_tokens"]! > 0);
    }

    [Fact]
    public async Task CountTokens_AnthropicTarget_AsksUpstream_AndFallsBackToLocal()
    {
        fixture.Anthropic.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, """{"input_tokens":4242}""");
        using var client = fixture.Gateway.CreateClient();
        using var forwarded = await client.PostAsync("/v1/messages/count_tokens", Json($$"""{"model":"{{MatrixFixture.AnthropicModel}}","messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal(4242, (int)JsonNode.Parse(await forwarded.Content.ReadAsStringAsync())!["input_tokens"]!);
        Assert.Equal("/v1/messages/count_tokens", fixture.Anthropic.LastRequest.Path);

        fixture.Anthropic.Handler = (ctx, _) => AnthropicResponses.WriteErrorAsync(ctx, 500, "api_error", "boom");
        using var fallback = await client.PostAsync("/v1/messages/count_tokens", Json($$"""{"model":"{{MatrixFixture.AnthropicModel}}","messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal(HttpStatusCode.OK, fallback.StatusCode);
        Assert.InRange((int)JsonNode.Parse(await fallback.Content.ReadAsStringAsync())!["input_tokens"]!, 1, 50);
    }

    [Theory]
    [InlineData(MatrixFixture.OpenAIModel, "gpt-4o")]
    [InlineData(MatrixFixture.AnthropicModel, "claude-sonnet-4-5-20250929")] // translated: the body has no model either
    public async Task AzureStylePath_UsesDeploymentNameAsModel(string deployment, string upstreamModel)
    {
        fixture.OpenAI.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("via azure path"));
        fixture.Anthropic.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, AnthropicResponses.TextMessage("via azure path"));
        using var client = fixture.Gateway.CreateClient(key: null);
        client.DefaultRequestHeaders.Add("api-key", GatewayHost.MasterKey);
        using var response = await client.PostAsync($"/openai/deployments/{deployment}/chat/completions?api-version=2024-12-01-preview",
            Json("""{"messages":[{"role":"user","content":"hi"}],"max_tokens":20}"""));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("via azure path", (string)body["choices"]![0]!["message"]!["content"]!);
        if (deployment == MatrixFixture.AnthropicModel) Assert.Equal(deployment, (string)body["model"]!); // a translated answer names what was asked for
        Assert.Equal(upstreamModel, (string)JsonNode.Parse(fixture.UpstreamFor(deployment).LastRequest.Body)!["model"]!);
    }

    [Fact]
    public async Task ChatCompletions_PlainPathWithoutV1_AlsoWorks()
    {
        fixture.OpenAI.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("ok"));
        using var client = fixture.Gateway.CreateClient();
        using var response = await client.PostAsync("/chat/completions", Json($$"""{"model":"{{MatrixFixture.OpenAIModel}}","messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/v1/chat/completions", "{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", 404)]
    [InlineData("/v1/chat/completions", "{\"model\":\"gpt-4o\"}", 400)]
    [InlineData("/v1/chat/completions", "not json", 400)]
    public async Task OpenAISurface_ErrorsUseOpenAIEnvelope(string path, string body, int status)
    {
        using var client = fixture.Gateway.CreateClient();
        using var response = await client.PostAsync(path, Json(body));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Null(json["type"]);
        Assert.False(string.IsNullOrEmpty((string)json["error"]!["message"]!));
        Assert.Equal("invalid_request_error", (string)json["error"]!["type"]!);
        Assert.True(response.Headers.Contains("x-request-id"));
    }

    [Fact]
    public async Task OpenAISurface_WrongKey_Is401InOpenAIEnvelope()
    {
        using var client = fixture.Gateway.CreateClient("wrong");
        using var response = await client.PostAsync("/v1/chat/completions", Json("""{"model":"gpt-4o","messages":[{"role":"user","content":"x"}]}"""));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("authentication_error", (string)json["error"]!["type"]!);
    }

    [Theory]
    [InlineData(529, "overloaded_error")]
    [InlineData(413, "request_too_large")]
    [InlineData(403, "permission_error")]
    public async Task AnthropicSurface_KeepsUpstreamStatusAndType(int status, string type)
    {
        fixture.OpenAI.Handler = (ctx, _) => OpenAIResponses.WriteErrorAsync(ctx, status, "upstream says no");
        using var client = fixture.Gateway.CreateClient();
        using var response = await client.PostAsync("/v1/messages", Json("""{"model":"gpt-4o","max_tokens":5,"messages":[{"role":"user","content":"x"}]}"""));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(type, (string)json["error"]!["type"]!);
    }

    [Theory]
    [InlineData("rate_limit_error", 429, "rate_limit_error")]
    [InlineData("overloaded_error", 529, "server_error")]
    [InlineData("api_error", 500, "server_error")]
    [InlineData("invalid_request_error", 502, "server_error")] // a 4xx inside a 200 stream is not trusted as the client's fault
    public async Task OpenAIStreamFromAnthropic_ErrorEventBeforeAnyContent_KeepsItsStatus(string anthropicType, int status, string openAIType)
    {
        // Anthropic can answer 200 and then send an error event first; nothing has reached the client yet.
        fixture.Anthropic.Handler = (ctx, _) => AnthropicResponses.WriteRawSseAsync(ctx,
            "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"" + anthropicType + "\",\"message\":\"try later\"}}\n\n");
        using var client = fixture.Gateway.CreateClient();
        using var response = await client.PostAsync("/v1/chat/completions",
            Json($$"""{"model":"{{MatrixFixture.AnthropicModel}}","stream":true,"messages":[{"role":"user","content":"x"}]}"""));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(openAIType, (string)json["error"]!["type"]!);
        Assert.Contains("try later", (string)json["error"]!["message"]!);
    }

    [Theory]
    [InlineData("rate_limit_error", 429)]
    [InlineData("invalid_request_error", 502)]
    public async Task OpenAIClient_Anthropic200WithAnErrorBody_KeepsATrustedStatus(string anthropicType, int status)
    {
        fixture.Anthropic.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx,
            """{"type":"error","error":{"type":"TYPE","message":"try later"}}""".Replace("TYPE", anthropicType, StringComparison.Ordinal));
        using var client = fixture.Gateway.CreateClient();
        using var response = await client.PostAsync("/v1/chat/completions",
            Json($$"""{"model":"{{MatrixFixture.AnthropicModel}}","messages":[{"role":"user","content":"x"}]}"""));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains("try later", (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["message"]!);
    }

    [Theory]
    [InlineData("rate_limit_error", "rate_limit_error")]
    [InlineData("overloaded_error", "server_error")]
    public async Task OpenAIStreamFromAnthropic_ErrorEventAfterContent_EndsTheStreamWithItsType(string anthropicType, string openAIType)
    {
        var events = AnthropicResponses.StreamEvents("partial answer", []);
        var upTo = events.FindIndex(e => e.Event == "content_block_stop");
        fixture.Anthropic.Handler = (ctx, _) => AnthropicResponses.WriteSseAsync(ctx,
            [.. events.Take(upTo), ("error", """{"type":"error","error":{"type":"TYPE","message":"try later"}}""".Replace("TYPE", anthropicType, StringComparison.Ordinal))]);
        using var client = fixture.Gateway.CreateClient();
        using var response = await client.PostAsync("/v1/chat/completions",
            Json($$"""{"model":"{{MatrixFixture.AnthropicModel}}","stream":true,"messages":[{"role":"user","content":"x"}]}"""));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"content\":\"partial\"", body); // the first half of the text, already sent
        var error = body.Split("\n").Where(l => l.StartsWith("data: {\"error\"", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l[6..])!).Single();
        Assert.Equal(openAIType, (string)error["error"]!["type"]!);
    }

    [Fact]
    public async Task ChatPassthrough_ReasoningDeployment_RenamesMaxTokens_AndDropsUnsupportedParams()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = (ctx, _) => OpenAIResponses.WriteSseAsync(ctx,
            [OpenAIResponses.Chunk("""{"role":"assistant","content":"ok"}"""), OpenAIResponses.Chunk("{}", "stop"), OpenAIResponses.UsageChunk(5, 1)]);
        await using var gateway = await GatewayHost.StartAsync($"""
            model_list:
              - model_name: reasoner
                litellm_params:
                  model: azure/gpt-5-mini
                  api_base: {upstream.BaseUrl}
                  api_key: k
                  api_version: "2024-12-01-preview"
                model_info:
                  max_tokens: 1000
            litellm_settings:
              drop_params: true
              additional_drop_params: ["user"]
            general_settings:
              master_key: {GatewayHost.MasterKey}
            """);
        using var client = gateway.CreateClient();
        using var response = await client.PostAsync("/v1/chat/completions", Json("""
            {"model":"reasoner","messages":[{"role":"user","content":"x"}],"max_tokens":5000,"temperature":0.2,"top_p":0.9,
             "stop":["END"],"user":"u1","stream":true,"tools":[],"thinking":{"type":"enabled"}}
            """));
        var text = await response.Content.ReadAsStringAsync();

        var sent = JsonNode.Parse(upstream.LastRequest.Body)!.AsObject();
        Assert.Equal("/openai/deployments/gpt-5-mini/chat/completions", upstream.LastRequest.Path);
        Assert.Equal(1000, (int)sent["max_completion_tokens"]!);
        foreach (var dropped in new[] { "max_tokens", "temperature", "top_p", "stop", "user", "tools", "thinking" })
        {
            Assert.False(sent.ContainsKey(dropped), dropped);
        }
        Assert.True((bool)sent["stream_options"]!["include_usage"]!);
        // The client did not ask for usage, so the usage-only chunk is not relayed.
        var events = Sse.Parse(text);
        Assert.DoesNotContain(events, e => e.Data is JsonObject o && o["usage"] is JsonObject);
        Assert.Null(events[^1].Data);
    }
}
