using System.Text.Json;
using System.Text.Json.Nodes;
using Anthropic;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;
using Bridge.Tests.Infrastructure;
using Bridge.Tests.Integration;

namespace Bridge.Tests.Clients;

/// <summary>
/// The official Anthropic .NET SDK as the client, against an OpenAI backend (translated) and an Anthropic
/// backend (forwarded natively). Each case checks what the SDK parsed and what the upstream got.
/// </summary>
public sealed class AnthropicSdkMatrixTests(MatrixFixture fixture) : IClassFixture<MatrixFixture>
{
    public static TheoryData<string> Backends => new() { MatrixFixture.OpenAIModel, MatrixFixture.AnthropicModel };

    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    private AnthropicClient Client() => new() { BaseUrl = fixture.Gateway.BaseUrl, ApiKey = GatewayHost.MasterKey, MaxRetries = 0 };

    private static Tool CityTool(string name) => new()
    {
        Name = name,
        Description = $"{name} for a city",
        InputSchema = new InputSchema
        {
            Properties = new Dictionary<string, JsonElement> { ["city"] = JsonDocument.Parse("""{"type":"string"}""").RootElement },
            Required = ["city"],
        },
    };

    private void ScriptText(string model, string text, int input, int output)
    {
        fixture.UpstreamFor(model).Handler = model == MatrixFixture.AnthropicModel
            ? (ctx, r) => JsonNode.Parse(r.Body)!["stream"]?.GetValue<bool>() == true
                ? AnthropicResponses.WriteSseAsync(ctx, AnthropicResponses.StreamEvents(text, [], input, output))
                : OpenAIResponses.WriteJsonAsync(ctx, AnthropicResponses.TextMessage(text, input: input, output: output))
            : (ctx, r) => JsonNode.Parse(r.Body)!["stream"]?.GetValue<bool>() == true
                ? OpenAIResponses.WriteSseAsync(ctx,
                [
                    OpenAIResponses.Chunk($$"""{"role":"assistant","content":{{JsonSerializer.Serialize(text[..3])}}}"""),
                    OpenAIResponses.Chunk($$"""{"content":{{JsonSerializer.Serialize(text[3..])}}}"""),
                    OpenAIResponses.Chunk("{}", "stop"),
                    OpenAIResponses.UsageChunk(input, output),
                ])
                : OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion(text, promptTokens: input, completionTokens: output));
    }

    private static MessageCreateParams Params(string model, params MessageParam[] messages) =>
        new() { Model = model, MaxTokens = 256, Messages = [.. messages] };

    [Theory, MemberData(nameof(Backends))]
    public async Task PlainText(string model)
    {
        ScriptText(model, "Hello there", 12, 5);

        var message = await Client().Messages.Create(Params(model, new UserMessageParam { Content = "Hi" }));

        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal("Hello there", text!.Text);
        Assert.Equal("end_turn", message.StopReason?.Raw());
        Assert.Equal(12, message.Usage.InputTokens);
        Assert.Equal(5, message.Usage.OutputTokens);
        Assert.StartsWith("msg_", message.ID);
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task StreamingText(string model)
    {
        ScriptText(model, "Streaming works", 20, 4);

        var message = await Client().Messages.CreateStreaming(Params(model, new UserMessageParam { Content = "Hi" })).Aggregate();

        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal("Streaming works", text!.Text);
        Assert.Equal("end_turn", message.StopReason?.Raw());
        Assert.Equal(4, message.Usage.OutputTokens);
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
        var parameters = Params(model, new UserMessageParam { Content = "Weather in Paris, time in Oslo?" }) with
        {
            Tools = [CityTool("get_weather"), CityTool("get_time")],
        };

        var message = await Client().Messages.CreateStreaming(parameters).Aggregate();

        Assert.Equal("tool_use", message.StopReason?.Raw());
        var uses = message.Content.Select(b => b.TryPickToolUse(out var u) ? u : null).OfType<ToolUseBlock>().ToList();
        Assert.Equal(2, uses.Count);
        Assert.Equal("get_weather", uses[0].Name);
        Assert.Equal("Paris", uses[0].Input["city"].GetString());
        Assert.Equal("get_time", uses[1].Name);
        Assert.Equal("Oslo", uses[1].Input["city"].GetString());
        Assert.All(uses, u => Assert.StartsWith("toolu_", u.ID));
        Assert.Equal(22, message.Usage.OutputTokens);
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task ToolResultTurn(string model)
    {
        ScriptText(model, "It is sunny in Paris.", 50, 6);
        var parameters = Params(model,
            new UserMessageParam { Content = "Weather in Paris?" },
            new AssistantMessageParam
            {
                Content = new List<ContentBlockParam>
                {
                    new ToolUseBlockParam { ID = "toolu_01W", Name = "get_weather", Input = new Dictionary<string, JsonElement> { ["city"] = JsonDocument.Parse("\"Paris\"").RootElement } },
                },
            },
            new UserMessageParam { Content = new List<ContentBlockParam> { new ToolResultBlockParam { ToolUseID = "toolu_01W", Content = "sunny, 24C" } } }) with
        {
            Tools = [CityTool("get_weather")],
        };

        var message = await Client().Messages.Create(parameters);

        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal("It is sunny in Paris.", text!.Text);
        var sent = JsonNode.Parse(fixture.UpstreamFor(model).LastRequest.Body)!;
        if (model == MatrixFixture.AnthropicModel)
        {
            Assert.Equal("toolu_01W", (string)sent["messages"]![2]!["content"]![0]!["tool_use_id"]!);
        }
        else
        {
            var toolMessage = sent["messages"]!.AsArray().Single(m => (string)m!["role"]! == "tool")!;
            Assert.Equal("toolu_01W", (string)toolMessage["tool_call_id"]!);
            Assert.Equal("sunny, 24C", (string)toolMessage["content"]!);
        }
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Image(string model)
    {
        ScriptText(model, "A single pixel.", 90, 4);
        var parameters = Params(model, new UserMessageParam
        {
            Content = new List<ContentBlockParam>
            {
                new TextBlockParam { Text = "What is this?" },
                new ImageBlockParam { Source = new Base64ImageSource { Data = Convert.ToBase64String(Png), MediaType = "image/png" } },
            },
        });

        var message = await Client().Messages.Create(parameters);

        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal("A single pixel.", text!.Text);
        var content = JsonNode.Parse(fixture.UpstreamFor(model).LastRequest.Body)!["messages"]![0]!["content"]!.AsArray();
        if (model == MatrixFixture.AnthropicModel)
        {
            Assert.Equal(Convert.ToBase64String(Png), (string)content.Single(p => (string)p!["type"]! == "image")!["source"]!["data"]!);
        }
        else
        {
            Assert.Equal("data:image/png;base64," + Convert.ToBase64String(Png), (string)content.Single(p => (string)p!["type"]! == "image_url")!["image_url"]!["url"]!);
        }
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Upstream429_SurfacesAsRateLimitException(string model)
    {
        fixture.UpstreamFor(model).Handler = model == MatrixFixture.AnthropicModel
            ? (ctx, _) => AnthropicResponses.WriteErrorAsync(ctx, 429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit", 9)
            : (ctx, _) => OpenAIResponses.WriteErrorAsync(ctx, 429, "Rate limit reached", "rate_limit_exceeded", 9);

        var ex = await Assert.ThrowsAsync<AnthropicRateLimitException>(() => Client().Messages.Create(Params(model, new UserMessageParam { Content = "Hi" })));

        Assert.Equal(429, (int)ex.StatusCode);
        Assert.Equal("rate_limit_error", ex.Type);
        Assert.StartsWith(model + "#", ex.ApiMessage);
        Assert.False(string.IsNullOrEmpty(ex.RequestID));
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Upstream400_SurfacesAsBadRequestException(string model)
    {
        fixture.UpstreamFor(model).Handler = model == MatrixFixture.AnthropicModel
            ? (ctx, _) => AnthropicResponses.WriteErrorAsync(ctx, 400, "invalid_request_error", "messages: text content blocks must be non-empty")
            : (ctx, _) => OpenAIResponses.WriteErrorAsync(ctx, 400, "Invalid 'messages[0].content': string too long.");

        var ex = await Assert.ThrowsAsync<AnthropicBadRequestException>(() => Client().Messages.Create(Params(model, new UserMessageParam { Content = "Hi" })));

        Assert.Equal("invalid_request_error", ex.Type);
        Assert.StartsWith(model + "#", ex.ApiMessage);
    }

    [Fact]
    public async Task NativeForwarding_ChangesOnlyTheModelName_AndPassesVersionAndBetaHeaders()
    {
        var recorded = Fixtures.RequestBody("cc-tool-bash-sonnet", 3);
        fixture.Anthropic.Handler = (ctx, _) => AnthropicResponses.WriteRawSseAsync(ctx, Fixtures.ResponseBody("cc-tool-bash-sonnet", 3));
        var client = fixture.Gateway.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages?beta=true")
        {
            Content = new StringContent(recorded.Replace("\"model\":\"claude-sonnet-4-5-20250929\"", $"\"model\":\"{MatrixFixture.AnthropicModel}\""), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("anthropic-version", "2023-06-01");
        request.Headers.Add("anthropic-beta", "claude-code-20250219,interleaved-thinking-2025-05-14");

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Fixtures.ResponseBody("cc-tool-bash-sonnet", 3), body);
        var upstream = fixture.Anthropic.LastRequest;
        Assert.Equal("/v1/messages", upstream.Path);
        Assert.Equal(recorded.Replace($"\"model\":\"{MatrixFixture.AnthropicModel}\"", "\"model\":\"claude-sonnet-4-5-20250929\""), upstream.Body);
        Assert.Equal(MatrixFixture.AnthropicUpstreamKey, upstream.Headers["x-api-key"]);
        Assert.Equal("2023-06-01", upstream.Headers["anthropic-version"]);
        Assert.Equal("claude-code-20250219,interleaved-thinking-2025-05-14", upstream.Headers["anthropic-beta"]);
        Assert.False(upstream.Headers.ContainsKey("authorization"));
    }

    /// <summary>
    /// A conversation that moves to a native Anthropic deployment may carry thinking blocks that Bridge translated
    /// from another provider (empty signature); Anthropic would reject the request, so they are left out, and
    /// every other byte (the real signed block included) goes up unchanged.
    /// </summary>
    [Fact]
    public async Task NativeForwarding_LeavesOutUnsignedThinkingBlocks_KeepsEverythingElse()
    {
        var recorded = Fixtures.RequestJson("cc-tool-bash-sonnet", 3);
        recorded["model"] = MatrixFixture.AnthropicModel;
        var expected = recorded.ToJsonString().Replace($"\"model\":\"{MatrixFixture.AnthropicModel}\"", "\"model\":\"claude-sonnet-4-5-20250929\"");
        var assistant = recorded["messages"]!.AsArray().Single(m => (string)m!["role"]! == "assistant")!["content"]!.AsArray();
        Assert.Equal("thinking", (string)assistant[0]!["type"]!); // the recorded, signed one
        assistant.Insert(1, new JsonObject { ["type"] = "thinking", ["thinking"] = "Reasoning from another provider.", ["signature"] = "" });
        fixture.Anthropic.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, AnthropicResponses.TextMessage("ok"));

        using var response = await fixture.Gateway.CreateClient().PostAsync("/v1/messages",
            new StringContent(recorded.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, fixture.Anthropic.LastRequest.Body);
    }
}
