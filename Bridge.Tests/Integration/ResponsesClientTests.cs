#pragma warning disable OPENAI001 // the Responses client is marked experimental in the SDK
using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Bridge.Tests.Infrastructure;
using OpenAI.Responses;
using static Bridge.Tests.Translation.AnthropicToResponses.ResponsesVendorExamples;

namespace Bridge.Tests.Integration;

/// <summary>
/// <c>POST /v1/responses</c> through the real gateway to each kind of deployment: Chat Completions, Anthropic, and a
/// Responses deployment (forwarded). The client is the official OpenAI .NET SDK's Responses client, and the recorded
/// Codex CLI requests sent as they were.
/// </summary>
public sealed class ResponsesClientTests : IAsyncLifetime
{
    private FakeUpstream _upstream = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync();
        _gateway = await GatewayHost.StartAsync($$"""
            model_list:
              - model_name: chat-model
                litellm_params: { model: openai/gpt-4o, api_base: {{_upstream.BaseUrl}}/v1, api_key: sk-up }
              - model_name: claude-model
                litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: {{_upstream.BaseUrl}}, api_key: sk-up }
              - model_name: responses-model
                litellm_params: { model: openai/responses/gpt-5.5, api_base: {{_upstream.BaseUrl}}/v1, api_key: sk-up }
            general_settings:
              master_key: {{GatewayHost.MasterKey}}
            """);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    private ResponsesClient Sdk() =>
        new(new ApiKeyCredential(GatewayHost.MasterKey), new ResponsesClientOptions { Endpoint = new Uri(_gateway.BaseUrl + "/v1") });

    private static CreateResponseOptions Ask(string model, bool stream)
    {
        var options = new CreateResponseOptions { Model = model, StreamingEnabled = stream };
        options.InputItems.Add(ResponseItem.CreateUserMessageItem("Say hello."));
        return options;
    }

    private void AnswerEverywhere(string text)
    {
        _upstream.Handler = (ctx, request) =>
        {
            var stream = request.Body.Contains("\"stream\":true", StringComparison.Ordinal);
            if (request.Path == "/v1/messages")
            {
                return stream
                    ? AnthropicResponses.WriteSseAsync(ctx, AnthropicResponses.StreamEvents(text, []))
                    : OpenAIResponses.WriteJsonAsync(ctx, AnthropicResponses.TextMessage(text));
            }
            if (request.Path == "/v1/responses")
            {
                return stream
                    ? OpenAIResponses.WriteSseAsync(ctx, [Created, MessageAdded, TextDelta.Replace("\"In\"", JsonValue.Create(text).ToJsonString()), MessageDone, Completed], done: false)
                    : OpenAIResponses.WriteJsonAsync(ctx, ResponseObject.Replace(ResponseObjectText, text));
            }
            return stream
                ? OpenAIResponses.WriteSseAsync(ctx, [OpenAIResponses.Chunk($$"""{"role":"assistant","content":{{JsonValue.Create(text).ToJsonString()}}}"""), OpenAIResponses.Chunk("{}", "stop"), OpenAIResponses.UsageChunk(20, 4)])
                : OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion(text));
        };
    }

    [Theory]
    [InlineData("chat-model", "/v1/chat/completions")]
    [InlineData("claude-model", "/v1/messages")]
    [InlineData("responses-model", "/v1/responses")]
    public async Task Sdk_Streams_FromEveryKindOfDeployment(string model, string upstreamPath)
    {
        AnswerEverywhere("Hello from upstream");
        var text = new StringBuilder();
        ResponseResult? completed = null;
        await foreach (var update in await Sdk().CreateResponseStreamingAsync(Ask(model, stream: true)))
        {
            if (update is StreamingResponseOutputTextDeltaUpdate delta) text.Append(delta.Delta);
            if (update is StreamingResponseCompletedUpdate done) completed = done.Response;
        }
        Assert.Equal(upstreamPath, _upstream.LastRequest.Path);
        Assert.Equal("Hello from upstream", text.ToString());
        Assert.NotNull(completed);
        Assert.Equal(ResponseStatus.Completed, completed!.Status);
    }

    [Theory]
    [InlineData("chat-model", "/v1/chat/completions")]
    [InlineData("claude-model", "/v1/messages")]
    [InlineData("responses-model", "/v1/responses")]
    public async Task Sdk_GetsAWholeResponse_FromEveryKindOfDeployment(string model, string upstreamPath)
    {
        AnswerEverywhere("Hello whole");
        ResponseResult response = await Sdk().CreateResponseAsync(Ask(model, stream: false));
        Assert.Equal(upstreamPath, _upstream.LastRequest.Path);
        Assert.Equal("Hello whole", response.GetOutputText());
    }

    [Theory]
    [InlineData("codex-text", "chat-model")]
    [InlineData("codex-tool-result", "chat-model")]
    [InlineData("codex-text", "claude-model")]
    [InlineData("codex-tool-result", "claude-model")]
    [InlineData("codex-tool-call", "responses-model")]
    public async Task RecordedCodexRequests_AreServed(string recording, string model)
    {
        AnswerEverywhere("ok");
        var body = JsonNode.Parse(Fixtures.CodexRequest(recording).GetRawText())!;
        body["model"] = model;
        using var client = _gateway.CreateClient();
        using var response = await client.PostAsync("/v1/responses", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        Assert.Contains("response.completed", text);
        if (model == "responses-model")
        {
            // Forwarded: only the model changes.
            var sent = JsonNode.Parse(_upstream.LastRequest.Body)!;
            Assert.Equal("gpt-5.5", (string?)sent["model"]);
            Assert.Equal(body["input"]!.ToJsonString(), sent["input"]!.ToJsonString());
        }
    }

    /// <summary>This gateway has no Redis: stored state is refused by name, in OpenAI's envelope; <c>store</c> unsaid is fine.</summary>
    [Theory]
    [InlineData("""{"model":"chat-model","input":"again","previous_response_id":"resp_123"}""", "previous_response_id")]
    [InlineData("""{"model":"chat-model","input":"keep it","store":true}""", "store")]
    public async Task StoredState_WithoutRedis_IsAClear400_InOpenAIsEnvelope(string body, string param)
    {
        using var client = _gateway.CreateClient();
        using var response = await client.PostAsync("/v1/responses", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal(param, (string?)error["param"]);
        Assert.Contains("Redis", (string?)error["message"]);
        Assert.Empty(_upstream.Requests);
        using var read = await client.GetAsync("/v1/responses/resp_123");
        Assert.Equal(HttpStatusCode.BadRequest, read.StatusCode);
        Assert.Contains("Redis", await read.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AWrongType_IsA400NamingTheField()
    {
        using var client = _gateway.CreateClient();
        using var response = await client.PostAsync("/v1/responses", new StringContent(
            """{"model":"chat-model","input":42}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("input", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["param"]);
    }
}
