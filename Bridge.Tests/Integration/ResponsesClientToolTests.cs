#pragma warning disable OPENAI001 // the Responses client is marked experimental in the SDK
using System.ClientModel;
using System.Text.Json.Nodes;
using Bridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using OpenAI.Responses;
using static Bridge.Tests.Translation.AnthropicToResponses.ResponsesVendorExamples;

namespace Bridge.Tests.Integration;

/// <summary>
/// The tool loop of the official OpenAI .NET SDK's Responses client through the real gateway, to each kind of
/// deployment: the SDK offers a function tool, each upstream answers with a call in its own protocol, the SDK reads a
/// function call item, then sends the call and its output back and reads the final answer. Each turn also checks what
/// the upstream received, in its own protocol's shape.
/// </summary>
public sealed class ResponsesClientToolTests : IAsyncLifetime
{
    private const string Arguments = """{"city":"Paris"}""";
    private const string Output = "sunny, 24C";
    private const string FinalText = "It is sunny in Paris.";

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

    public static TheoryData<string, bool> KindsAndModes => new()
    {
        { "chat-model", false }, { "chat-model", true },
        { "claude-model", false }, { "claude-model", true },
        { "responses-model", false }, { "responses-model", true },
    };

    /// <summary>The call id each upstream's answer carries (see <see cref="AnswerWithToolCall"/>).</summary>
    private static string CallIdAt(string upstreamPath) => upstreamPath switch
    {
        "/v1/chat/completions" => "call_abc123",
        "/v1/messages" => "toolu_01A09q90qw90lq917835lq9",
        _ => "call_12345xyz", // ResponsesVendorExamples' function_call item
    };

    private static string UpstreamCallId(string model) => CallIdAt(UpstreamPath(model));

    private static string UpstreamPath(string model) => model switch
    {
        "chat-model" => "/v1/chat/completions",
        "claude-model" => "/v1/messages",
        _ => "/v1/responses",
    };

    private ResponsesClient Sdk() =>
        new(new ApiKeyCredential(GatewayHost.MasterKey), new ResponsesClientOptions { Endpoint = new Uri(_gateway.BaseUrl + "/v1") });

    private static CreateResponseOptions Ask(string model, bool stream)
    {
        var options = new CreateResponseOptions { Model = model, StreamingEnabled = stream };
        options.Tools.Add(ResponseTool.CreateFunctionTool(
            "get_weather",
            BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string","description":"City name"}},"required":["city"],"additionalProperties":false}"""),
            strictModeEnabled: true,
            functionDescription: "Current weather for a city"));
        options.InputItems.Add(ResponseItem.CreateUserMessageItem("What is the weather in Paris?"));
        return options;
    }

    /// <summary>Each upstream answers with a get_weather call in its own protocol, streamed when asked to stream.</summary>
    private void AnswerWithToolCall()
    {
        _upstream.Handler = (ctx, request) =>
        {
            var stream = JsonNode.Parse(request.Body)!["stream"]?.GetValue<bool>() == true;
            var id = CallIdAt(request.Path);
            return request.Path switch
            {
                "/v1/messages" => stream
                    ? AnthropicResponses.WriteSseAsync(ctx, VendorToolCalls.AnthropicStream(id, "get_weather", Arguments))
                    : OpenAIResponses.WriteJsonAsync(ctx, VendorToolCalls.AnthropicMessage(id, "get_weather", Arguments)),
                "/v1/responses" => stream
                    ? WriteResponsesSseAsync(ctx, VendorToolCalls.ResponsesEvents(Arguments))
                    : OpenAIResponses.WriteJsonAsync(ctx, VendorToolCalls.ResponsesObject(Arguments)),
                _ => stream
                    ? OpenAIResponses.WriteSseAsync(ctx, VendorToolCalls.ChatChunks(id, "get_weather", Arguments))
                    : OpenAIResponses.WriteJsonAsync(ctx, VendorToolCalls.ChatCompletion(id, "get_weather", Arguments)),
            };
        };
    }

    /// <summary>Each upstream answers with <see cref="FinalText"/> in its own protocol.</summary>
    private void AnswerWithText()
    {
        _upstream.Handler = (ctx, request) =>
        {
            var stream = JsonNode.Parse(request.Body)!["stream"]?.GetValue<bool>() == true;
            return request.Path switch
            {
                "/v1/messages" => stream
                    ? AnthropicResponses.WriteSseAsync(ctx, AnthropicResponses.StreamEvents(FinalText, []))
                    : OpenAIResponses.WriteJsonAsync(ctx, AnthropicResponses.TextMessage(FinalText)),
                "/v1/responses" => stream
                    ? WriteResponsesSseAsync(ctx, [Created, MessageAdded, TextDelta.Replace("\"In\"", JsonValue.Create(FinalText).ToJsonString()), MessageDone.Replace(MessageDoneText, FinalText), Completed.Replace(MessageDoneText, FinalText)])
                    : OpenAIResponses.WriteJsonAsync(ctx, ResponseObject.Replace(ResponseObjectText, FinalText)),
                _ => stream
                    ? OpenAIResponses.WriteSseAsync(ctx, [OpenAIResponses.Chunk($$"""{"role":"assistant","content":{{JsonValue.Create(FinalText).ToJsonString()}}}"""), OpenAIResponses.Chunk("{}", "stop"), OpenAIResponses.UsageChunk(60, 8)])
                    : OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion(FinalText)),
            };
        };
    }

    /// <summary>
    /// A Responses stream as OpenAI sends it: each event named on an <c>event:</c> line by its type, no <c>[DONE]</c>
    /// (the Anthropic writer frames events the same way).
    /// </summary>
    private static Task WriteResponsesSseAsync(HttpContext ctx, IEnumerable<string> events) =>
        AnthropicResponses.WriteSseAsync(ctx, events.Select(e => ((string)JsonNode.Parse(e)!["type"]!, e)));

    // The text of the verbatim streaming examples' message item (MessageDone and Completed carry the same one).
    private static readonly string MessageDoneText = (string)JsonNode.Parse(MessageDone)!["item"]!["content"]![0]!["text"]!;

    /// <summary>Sends <paramref name="options"/> streamed or not; returns the completed response (and, streamed, the updates).</summary>
    private async Task<(ResponseResult Response, List<StreamingResponseUpdate> Updates)> SendAsync(CreateResponseOptions options)
    {
        var updates = new List<StreamingResponseUpdate>();
        if (options.StreamingEnabled != true)
        {
            return (await Sdk().CreateResponseAsync(options), updates);
        }

        await foreach (var update in await Sdk().CreateResponseStreamingAsync(options))
        {
            updates.Add(update);
        }

        var completed = updates.OfType<StreamingResponseCompletedUpdate>().SingleOrDefault();
        Assert.True(completed is not null, "no response.completed: " + string.Join(", ", updates.Select(u => u.GetType().Name)));
        return (completed.Response, updates);
    }

    private void AssertToolSentInUpstreamShape(string model, JsonNode sent)
    {
        var tool = sent["tools"]!.AsArray().Single()!;
        JsonNode schema;
        switch (model)
        {
            case "chat-model":
                Assert.Equal("function", (string?)tool["type"]);
                Assert.Equal("get_weather", (string?)tool["function"]!["name"]);
                Assert.Equal("Current weather for a city", (string?)tool["function"]!["description"]);
                schema = tool["function"]!["parameters"]!;
                break;
            case "claude-model":
                Assert.Equal("get_weather", (string?)tool["name"]);
                Assert.Equal("Current weather for a city", (string?)tool["description"]);
                schema = tool["input_schema"]!;
                break;
            default:
                Assert.Equal("function", (string?)tool["type"]);
                Assert.Equal("get_weather", (string?)tool["name"]);
                Assert.Equal("Current weather for a city", (string?)tool["description"]);
                Assert.True((bool)tool["strict"]!);
                schema = tool["parameters"]!;
                break;
        }

        Assert.Equal("object", (string?)schema["type"]);
        Assert.Equal("string", (string?)schema["properties"]!["city"]!["type"]);
        Assert.Equal("city", (string?)schema["required"]!.AsArray().Single());
    }

    private static void AssertWeatherCall(FunctionCallResponseItem call, string callId)
    {
        Assert.Equal("get_weather", call.FunctionName);
        Assert.Equal(callId, call.CallId);
        Assert.Equal("Paris", (string?)JsonNode.Parse(call.FunctionArguments.ToString())!["city"]);
    }

    [Theory, MemberData(nameof(KindsAndModes))]
    public async Task Sdk_GetsAFunctionCall_FromEveryKindOfDeployment(string model, bool stream)
    {
        AnswerWithToolCall();

        var (response, updates) = await SendAsync(Ask(model, stream));

        Assert.Equal(UpstreamPath(model), _upstream.LastRequest.Path);
        AssertToolSentInUpstreamShape(model, JsonNode.Parse(_upstream.LastRequest.Body)!);
        Assert.Equal(ResponseStatus.Completed, response.Status);
        var callId = UpstreamCallId(model);
        AssertWeatherCall(response.OutputItems.OfType<FunctionCallResponseItem>().Single(), callId);
        if (stream)
        {
            var added = updates.OfType<StreamingResponseOutputItemAddedUpdate>().Select(u => u.Item).OfType<FunctionCallResponseItem>().Single();
            Assert.Equal("get_weather", added.FunctionName);
            Assert.Equal(callId, added.CallId);
            var deltas = updates.OfType<StreamingResponseFunctionCallArgumentsDeltaUpdate>().ToList();
            Assert.NotEmpty(deltas);
            Assert.Equal(Arguments, string.Concat(deltas.Select(d => d.Delta.ToString())));
            var argumentsDone = updates.OfType<StreamingResponseFunctionCallArgumentsDoneUpdate>().Single();
            Assert.Equal(Arguments, argumentsDone.FunctionArguments.ToString());
            Assert.All(deltas, d => Assert.Equal(argumentsDone.ItemId, d.ItemId));
            var done = updates.OfType<StreamingResponseOutputItemDoneUpdate>().Select(u => u.Item).OfType<FunctionCallResponseItem>().Single();
            AssertWeatherCall(done, callId);
            Assert.Equal(done.Id, argumentsDone.ItemId);
        }
    }

    [Theory, MemberData(nameof(KindsAndModes))]
    public async Task Sdk_SendsTheFunctionOutputBack_AndReadsTheAnswer(string model, bool stream)
    {
        AnswerWithToolCall();
        var first = Ask(model, stream);
        var (response, _) = await SendAsync(first);
        var call = response.OutputItems.OfType<FunctionCallResponseItem>().Single();

        // The second turn as an SDK user writes it: the same request, plus the model's output items and the output.
        AnswerWithText();
        var second = Ask(model, stream);
        foreach (var item in response.OutputItems)
        {
            second.InputItems.Add(item);
        }

        second.InputItems.Add(ResponseItem.CreateFunctionCallOutputItem(call.CallId, Output));
        var (final, updates) = await SendAsync(second);

        Assert.Equal(ResponseStatus.Completed, final.Status);
        Assert.Equal(FinalText, final.GetOutputText());
        if (stream)
        {
            Assert.Equal(FinalText, string.Concat(updates.OfType<StreamingResponseOutputTextDeltaUpdate>().Select(u => u.Delta)));
        }

        Assert.Equal(UpstreamPath(model), _upstream.LastRequest.Path);
        var sent = JsonNode.Parse(_upstream.LastRequest.Body)!;
        AssertToolSentInUpstreamShape(model, sent);
        var upstreamId = UpstreamCallId(model);
        switch (model)
        {
            case "chat-model":
            {
                var messages = sent["messages"]!.AsArray();
                var assistant = messages.Single(m => (string?)m!["role"] == "assistant")!;
                var toolCall = assistant["tool_calls"]!.AsArray().Single()!;
                Assert.Equal(upstreamId, (string?)toolCall["id"]);
                Assert.Equal("function", (string?)toolCall["type"]);
                Assert.Equal("get_weather", (string?)toolCall["function"]!["name"]);
                Assert.Equal("Paris", (string?)JsonNode.Parse((string)toolCall["function"]!["arguments"]!)!["city"]);
                var result = messages.Last()!;
                Assert.Equal("tool", (string?)result["role"]);
                Assert.Equal(upstreamId, (string?)result["tool_call_id"]);
                Assert.Equal(Output, ContentText(result["content"]!));
                break;
            }
            case "claude-model":
            {
                var messages = sent["messages"]!.AsArray();
                var assistant = messages[^2]!;
                Assert.Equal("assistant", (string?)assistant["role"]);
                var toolUse = assistant["content"]!.AsArray().Single(b => (string?)b!["type"] == "tool_use")!;
                Assert.Equal(upstreamId, (string?)toolUse["id"]);
                Assert.Equal("get_weather", (string?)toolUse["name"]);
                Assert.Equal("Paris", (string?)toolUse["input"]!["city"]);
                var user = messages[^1]!;
                Assert.Equal("user", (string?)user["role"]);
                var result = user["content"]!.AsArray().Single(b => (string?)b!["type"] == "tool_result")!;
                Assert.Equal(upstreamId, (string?)result["tool_use_id"]);
                Assert.Equal(Output, ContentText(result["content"]!));
                break;
            }
            default:
            {
                var input = sent["input"]!.AsArray();
                var functionCall = input.Single(i => (string?)i!["type"] == "function_call")!;
                Assert.Equal(upstreamId, (string?)functionCall["call_id"]);
                Assert.Equal("get_weather", (string?)functionCall["name"]);
                Assert.Equal("Paris", (string?)JsonNode.Parse((string)functionCall["arguments"]!)!["city"]);
                var result = input[^1]!;
                Assert.Equal("function_call_output", (string?)result["type"]);
                Assert.Equal(upstreamId, (string?)result["call_id"]);
                Assert.Equal(Output, (string?)result["output"]);
                break;
            }
        }
    }

    /// <summary>A content value as text: a string, or the concatenated text parts of an array.</summary>
    private static string ContentText(JsonNode content) => content is JsonArray parts
        ? string.Concat(parts.Select(p => (string?)p!["text"]))
        : (string)content!;
}
