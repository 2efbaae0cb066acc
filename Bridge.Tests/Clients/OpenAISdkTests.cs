using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json.Nodes;
using Azure.AI.OpenAI;
using Bridge.Tests.Infrastructure;
using Bridge.Tests.Integration;
using OpenAI;
using OpenAI.Chat;

namespace Bridge.Tests.Clients;

/// <summary>The official OpenAI .NET SDK, pointed at Bridge's <c>/v1</c> like at api.openai.com.</summary>
public sealed class OpenAISdkTests(MatrixFixture fixture) : OpenAIFormatClientTests(fixture)
{
    protected override ChatClient Client(string model) => new(model, new ApiKeyCredential(GatewayHost.MasterKey), new OpenAIClientOptions
    {
        Endpoint = new Uri(Fixture.Gateway.BaseUrl + "/v1"),
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
    });
}

/// <summary>
/// The official Azure OpenAI SDK, pointed at Bridge as if it were an Azure OpenAI resource: it sends the key as
/// <c>api-key</c> to <c>/openai/deployments/{deployment}/chat/completions?api-version=...</c>, and the deployment
/// name is the model name.
/// </summary>
public sealed class AzureOpenAISdkTests(MatrixFixture fixture) : OpenAIFormatClientTests(fixture)
{
    protected override ChatClient Client(string model) =>
        new AzureOpenAIClient(new Uri(Fixture.Gateway.BaseUrl), new ApiKeyCredential(GatewayHost.MasterKey),
                new AzureOpenAIClientOptions { RetryPolicy = new ClientRetryPolicy(maxRetries: 0) })
            .GetChatClient(model);
}

/// <summary>
/// An OpenAI-format SDK as the client, against an OpenAI backend (filtered pass-through) and an Anthropic backend
/// (translated both ways). Each case checks what the SDK parsed and what the upstream got. Both SDKs above build
/// the same <see cref="ChatClient"/>, so every case runs through each of them.
/// </summary>
public abstract class OpenAIFormatClientTests(MatrixFixture fixture) : IClassFixture<MatrixFixture>
{
    protected MatrixFixture Fixture => fixture;

    protected abstract ChatClient Client(string model);

    public static TheoryData<string> Backends => new() { MatrixFixture.OpenAIModel, MatrixFixture.AnthropicModel };

    // A real 1x1 PNG.
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    private static ChatTool Tool(string name) => ChatTool.CreateFunctionTool(name, $"{name} for a city",
        BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));

    private void ScriptText(string model, string text, int input, int output)
    {
        fixture.UpstreamFor(model).Handler = model == MatrixFixture.AnthropicModel
            ? (ctx, r) => JsonNode.Parse(r.Body)!["stream"]?.GetValue<bool>() == true
                ? AnthropicResponses.WriteSseAsync(ctx, AnthropicResponses.StreamEvents(text, [], input, output))
                : OpenAIResponses.WriteJsonAsync(ctx, AnthropicResponses.TextMessage(text, input: input, output: output))
            : (ctx, r) => JsonNode.Parse(r.Body)!["stream"]?.GetValue<bool>() == true
                ? OpenAIResponses.WriteSseAsync(ctx,
                [
                    OpenAIResponses.Chunk($$"""{"role":"assistant","content":{{System.Text.Json.JsonSerializer.Serialize(text[..3])}}}"""),
                    OpenAIResponses.Chunk($$"""{"content":{{System.Text.Json.JsonSerializer.Serialize(text[3..])}}}"""),
                    OpenAIResponses.Chunk("{}", "stop"),
                    OpenAIResponses.UsageChunk(input, output),
                ])
                : OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion(text, promptTokens: input, completionTokens: output));
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task PlainText(string model)
    {
        ScriptText(model, "Hello there", 12, 5);

        ChatCompletion completion = await Client(model).CompleteChatAsync([new UserChatMessage("Hi")]);

        Assert.Equal("Hello there", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(12, completion.Usage.InputTokenCount);
        Assert.Equal(5, completion.Usage.OutputTokenCount);
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task StreamingText(string model)
    {
        ScriptText(model, "Streaming works", 20, 4);

        var text = "";
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in Client(model).CompleteChatStreamingAsync([new UserChatMessage("Hi")]))
        {
            foreach (var part in update.ContentUpdate) text += part.Text;
            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal("Streaming works", text);
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.Equal(20, usage!.InputTokenCount);
        Assert.Equal(4, usage.OutputTokenCount);
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task StreamingTwoParallelToolCalls(string model)
    {
        fixture.UpstreamFor(model).Handler = model == MatrixFixture.AnthropicModel
            ? (ctx, _) => AnthropicResponses.WriteSseAsync(ctx, AnthropicResponses.StreamEvents(null,
                [("toolu_01A", "get_weather", """{"city":"Paris"}"""), ("toolu_01B", "get_time", """{"city":"Oslo"}""")], 40, 22))
            : (ctx, _) => OpenAIResponses.WriteSseAsync(ctx,
            [
                OpenAIResponses.Chunk("""{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_A","type":"function","function":{"name":"get_weather","arguments":""}}]}"""),
                OpenAIResponses.Chunk("""{"tool_calls":[{"index":1,"id":"call_B","type":"function","function":{"name":"get_time","arguments":""}}]}"""),
                OpenAIResponses.Chunk("""{"tool_calls":[{"index":1,"function":{"arguments":"{\"city\":\"Oslo\"}"}}]}"""),
                OpenAIResponses.Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":\"Paris\"}"}}]}"""),
                OpenAIResponses.Chunk("{}", "tool_calls"),
                OpenAIResponses.UsageChunk(40, 22),
            ]);

        var calls = new Dictionary<int, (string? Id, string? Name, string Args)>();
        ChatFinishReason? finish = null;
        var options = new ChatCompletionOptions { Tools = { Tool("get_weather"), Tool("get_time") } };
        await foreach (var update in Client(model).CompleteChatStreamingAsync([new UserChatMessage("Weather in Paris, time in Oslo?")], options))
        {
            foreach (var call in update.ToolCallUpdates)
            {
                var current = calls.GetValueOrDefault(call.Index, (null, null, ""));
                calls[call.Index] = (current.Id ?? call.ToolCallId, current.Name ?? call.FunctionName, current.Args + call.FunctionArgumentsUpdate?.ToString());
            }
            finish ??= update.FinishReason;
        }

        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.Equal(2, calls.Count);
        Assert.Equal("get_weather", calls[0].Name);
        Assert.Equal("Paris", (string)JsonNode.Parse(calls[0].Args)!["city"]!);
        Assert.Equal("get_time", calls[1].Name);
        Assert.Equal("Oslo", (string)JsonNode.Parse(calls[1].Args)!["city"]!);
        Assert.False(string.IsNullOrEmpty(calls[0].Id));
        Assert.NotEqual(calls[0].Id, calls[1].Id);
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task ToolResultTurn(string model)
    {
        ScriptText(model, "It is sunny in Paris.", 50, 6);
        ChatMessage[] messages =
        [
            new UserChatMessage("Weather in Paris?"),
            new AssistantChatMessage([ChatToolCall.CreateFunctionToolCall("call_w1", "get_weather", BinaryData.FromString("""{"city":"Paris"}"""))]),
            new ToolChatMessage("call_w1", "sunny, 24C"),
        ];

        ChatCompletion completion = await Client(model).CompleteChatAsync(messages, new ChatCompletionOptions { Tools = { Tool("get_weather") } });

        Assert.Equal("It is sunny in Paris.", completion.Content[0].Text);
        var sent = JsonNode.Parse(fixture.UpstreamFor(model).LastRequest.Body)!;
        if (model == MatrixFixture.AnthropicModel)
        {
            var assistant = sent["messages"]![1]!;
            Assert.Equal("assistant", (string)assistant["role"]!);
            var toolUse = assistant["content"]!.AsArray().Single(b => (string)b!["type"]! == "tool_use")!;
            Assert.Equal("get_weather", (string)toolUse["name"]!);
            Assert.Equal("Paris", (string)toolUse["input"]!["city"]!);
            var result = sent["messages"]![2]!["content"]![0]!;
            Assert.Equal("tool_result", (string)result["type"]!);
            Assert.Equal((string)toolUse["id"]!, (string)result["tool_use_id"]!);
        }
        else
        {
            Assert.Equal("tool", (string)sent["messages"]![2]!["role"]!);
            Assert.Equal("call_w1", (string)sent["messages"]![2]!["tool_call_id"]!);
        }
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Image(string model)
    {
        ScriptText(model, "A single pixel.", 90, 4);

        ChatCompletion completion = await Client(model).CompleteChatAsync(
            [new UserChatMessage(ChatMessageContentPart.CreateTextPart("What is this?"), ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(Png), "image/png"))]);

        Assert.Equal("A single pixel.", completion.Content[0].Text);
        var content = JsonNode.Parse(fixture.UpstreamFor(model).LastRequest.Body)!["messages"]![0]!["content"]!.AsArray();
        if (model == MatrixFixture.AnthropicModel)
        {
            var image = content.Single(p => (string)p!["type"]! == "image")!;
            Assert.Equal("base64", (string)image["source"]!["type"]!);
            Assert.Equal("image/png", (string)image["source"]!["media_type"]!);
            Assert.Equal(Convert.ToBase64String(Png), (string)image["source"]!["data"]!);
        }
        else
        {
            var image = content.Single(p => (string)p!["type"]! == "image_url")!;
            Assert.Equal("data:image/png;base64," + Convert.ToBase64String(Png), (string)image["image_url"]!["url"]!);
        }
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Upstream429_SurfacesAsRateLimitWithRetryAfter(string model)
    {
        fixture.UpstreamFor(model).Handler = model == MatrixFixture.AnthropicModel
            ? (ctx, _) => AnthropicResponses.WriteErrorAsync(ctx, 429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit", 11)
            : (ctx, _) => OpenAIResponses.WriteErrorAsync(ctx, 429, "Rate limit reached", "rate_limit_exceeded", 11);

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => Client(model).CompleteChatAsync([new UserChatMessage("Hi")]));

        Assert.Equal(429, ex.Status);
        var raw = ex.GetRawResponse()!;
        Assert.Equal("11", raw.Headers.TryGetValue("Retry-After", out var ra) ? ra : null);
        var error = JsonNode.Parse(raw.Content.ToString())!["error"]!;
        Assert.Equal("rate_limit_error", (string)error["type"]!);
        Assert.Contains("rate", (string)error["message"]!, StringComparison.OrdinalIgnoreCase);
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Upstream400_SurfacesAsInvalidRequest(string model)
    {
        fixture.UpstreamFor(model).Handler = model == MatrixFixture.AnthropicModel
            ? (ctx, _) => AnthropicResponses.WriteErrorAsync(ctx, 400, "invalid_request_error", "messages: text content blocks must be non-empty")
            : (ctx, _) => OpenAIResponses.WriteErrorAsync(ctx, 400, "Invalid 'messages[0].content': string too long.");

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => Client(model).CompleteChatAsync([new UserChatMessage("Hi")]));

        Assert.Equal(400, ex.Status);
        var error = JsonNode.Parse(ex.GetRawResponse()!.Content.ToString())!["error"]!;
        Assert.Equal("invalid_request_error", (string)error["type"]!);
        Assert.StartsWith(model + "#", (string)error["message"]!);
    }
}
