using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Tests.Infrastructure;
using static Bridge.Tests.Translation.AnthropicToResponses.ResponsesVendorExamples;

namespace Bridge.Tests.Integration;

/// <summary>
/// An Anthropic client (Claude Code's shape) through the real gateway to a deployment served on the OpenAI Responses
/// API, here chosen by the model's name (gpt-5.4 takes tools with reasoning only there). The fake upstream answers
/// with OpenAI's documented Responses events. The tool loop checks what no peer does: the model's encrypted reasoning
/// reaches the client inside the thinking block's signature and goes back upstream, as the same reasoning item, on
/// the tool-result turn.
/// </summary>
public sealed class ResponsesUpstreamTests : IAsyncLifetime
{
    private FakeUpstream _upstream = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync();
        _gateway = await GatewayHost.StartAsync($$"""
            model_list:
              - model_name: gpt-next
                litellm_params: { model: openai/gpt-5.4, api_base: {{_upstream.BaseUrl}}/v1, api_key: sk-up }
              - model_name: gpt-old
                litellm_params: { model: openai/gpt-4o, api_base: {{_upstream.BaseUrl}}/v1, api_key: sk-up }
            general_settings:
              master_key: {{GatewayHost.MasterKey}}
            """);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    private static readonly JsonArray Tools = [new JsonObject
    {
        ["name"] = "get_weather",
        ["description"] = "Weather in a city",
        ["input_schema"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["arg"] = new JsonObject { ["type"] = "number" } } },
    }];

    private async Task<string> PostAsync(JsonObject body)
    {
        using var client = _gateway.CreateClient();
        using var response = await client.PostAsync("/v1/messages?beta=true", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return text;
    }

    [Fact]
    public async Task Text_Streams_FromTheResponsesEndpoint()
    {
        _upstream.Handler = (ctx, _) => OpenAIResponses.WriteSseAsync(ctx, [Created, MessageAdded, TextDelta, MessageDone, Completed], done: false);
        var text = await PostAsync(new JsonObject
        {
            ["model"] = "gpt-next", ["max_tokens"] = 200, ["stream"] = true,
            ["system"] = "Be brief.",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Tell me a story." }),
        });

        var sent = _upstream.LastRequest;
        Assert.Equal("/v1/responses", sent.Path);
        var body = JsonNode.Parse(sent.Body)!;
        Assert.Equal("gpt-5.4", (string?)body["model"]);
        Assert.Equal("Be brief.", (string?)body["instructions"]);
        Assert.False((bool)body["store"]!);

        var events = Sse.Parse(text);
        Assert.Equal("message_start", events[0].Event);
        Assert.Contains(events, e => e.Event == "content_block_delta" && (string?)e.Data!["delta"]!["text"] == "In");
        Assert.Equal("message_stop", events[^1].Event);
        Assert.Equal("gpt-next", (string?)events[0].Data!["message"]!["model"]);
    }

    [Fact]
    public async Task NonStreaming_ReadsTheResponseObject()
    {
        _upstream.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, ResponseObject);
        var text = await PostAsync(new JsonObject
        {
            ["model"] = "gpt-next", ["max_tokens"] = 200,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "What is in the image?" }),
        });
        var message = JsonNode.Parse(text)!;
        Assert.Equal("message", (string?)message["type"]);
        Assert.Equal(ResponseObjectText, (string?)message["content"]![0]!["text"]);
        Assert.Equal(328, (int)message["usage"]!["input_tokens"]!);
        Assert.Equal("/v1/responses", _upstream.LastRequest.Path);
    }

    [Fact]
    public async Task ChatClient_ReachesTheResponsesDeployment_StreamingAndNot()
    {
        using var client = _gateway.CreateClient();
        _upstream.Handler = (ctx, _) => OpenAIResponses.WriteSseAsync(ctx, [Created, MessageAdded, TextDelta, MessageDone, Completed], done: false);
        using (var streamed = await client.PostAsync("/v1/chat/completions", new StringContent(
            """{"model":"gpt-next","stream":true,"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Tell me a story."}]}""",
            Encoding.UTF8, "application/json")))
        {
            var text = await streamed.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
            Assert.Contains("\"content\":\"In\"", text);
            Assert.EndsWith("data: [DONE]\n\n", text);
        }
        Assert.Equal("/v1/responses", _upstream.LastRequest.Path);
        Assert.Equal("gpt-5.4", (string?)JsonNode.Parse(_upstream.LastRequest.Body)!["model"]);

        _upstream.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, ResponseObject);
        using var whole = await client.PostAsync("/v1/chat/completions", new StringContent(
            """{"model":"gpt-next","messages":[{"role":"user","content":"What is in the image?"}]}""", Encoding.UTF8, "application/json"));
        var completion = JsonNode.Parse(await whole.Content.ReadAsStringAsync())!;
        Assert.Equal(ResponseObjectText, (string?)completion["choices"]![0]!["message"]!["content"]);
        Assert.Equal("gpt-next", (string?)completion["model"]);
        Assert.Equal(328, (int)completion["usage"]!["prompt_tokens"]!);
    }

    [Fact]
    public async Task OlderModels_StayOnChatCompletions()
    {
        _upstream.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("hi"));
        await PostAsync(new JsonObject
        {
            ["model"] = "gpt-old", ["max_tokens"] = 20,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hi" }),
        });
        Assert.Equal("/v1/chat/completions", _upstream.LastRequest.Path);
    }

    [Fact]
    public async Task ToolLoop_SendsTheModelsOwnReasoningBack()
    {
        // Turn 1: the model reasons (summary + encrypted content) and calls a tool.
        _upstream.Handler = (ctx, _) => OpenAIResponses.WriteSseAsync(ctx,
            [Created, ReasoningAdded, ReasoningSummaryDelta, ReasoningDone, FunctionCallAdded, FunctionCallArgumentsDelta, FunctionCallDone, Completed], done: false);
        var user = new JsonObject { ["role"] = "user", ["content"] = "What is the weather?" };
        var first = await PostAsync(new JsonObject
        {
            ["model"] = "gpt-next", ["max_tokens"] = 4000, ["stream"] = true,
            ["thinking"] = new JsonObject { ["type"] = "enabled", ["budget_tokens"] = 2000 },
            ["tools"] = Tools.DeepClone(),
            ["messages"] = new JsonArray(user.DeepClone()),
        });
        var sentFirst = JsonNode.Parse(_upstream.LastRequest.Body)!;
        Assert.Contains("reasoning.encrypted_content", sentFirst["include"]!.AsArray().Select(i => (string?)i));

        // What the client got: a thinking block whose signature carries the reasoning, and the tool call.
        var events = Sse.Parse(first);
        var signature = string.Concat(events.Where(e => e.Event == "content_block_delta" && (string?)e.Data!["delta"]!["type"] == "signature_delta")
            .Select(e => (string?)e.Data!["delta"]!["signature"]));
        Assert.StartsWith("bridge.", signature, StringComparison.Ordinal);
        var thinking = string.Concat(events.Where(e => e.Event == "content_block_delta" && (string?)e.Data!["delta"]!["type"] == "thinking_delta")
            .Select(e => (string?)e.Data!["delta"]!["thinking"]));
        var toolStart = events.Single(e => e.Event == "content_block_start" && (string?)e.Data!["content_block"]!["type"] == "tool_use").Data!["content_block"]!;
        var toolId = (string)toolStart["id"]!;
        Assert.Equal("get_weather", (string?)toolStart["name"]);
        Assert.Equal("tool_use", (string?)events.Single(e => e.Event == "message_delta").Data!["delta"]!["stop_reason"]);

        // Turn 2: the client sends the thinking block and tool call back with the tool's result, as Claude Code does.
        _upstream.Handler = (ctx, _) => OpenAIResponses.WriteSseAsync(ctx, [Created, MessageAdded, TextDelta, MessageDone, Completed], done: false);
        await PostAsync(new JsonObject
        {
            ["model"] = "gpt-next", ["max_tokens"] = 4000, ["stream"] = true,
            ["thinking"] = new JsonObject { ["type"] = "enabled", ["budget_tokens"] = 2000 },
            ["tools"] = Tools.DeepClone(),
            ["messages"] = new JsonArray(
                user.DeepClone(),
                new JsonObject
                {
                    ["role"] = "assistant",
                    ["content"] = new JsonArray(
                        new JsonObject { ["type"] = "thinking", ["thinking"] = thinking, ["signature"] = signature },
                        new JsonObject { ["type"] = "tool_use", ["id"] = toolId, ["name"] = "get_weather", ["input"] = new JsonObject { ["arg"] = 1 } }),
                },
                new JsonObject
                {
                    ["role"] = "user",
                    ["content"] = new JsonArray(new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = toolId, ["content"] = "sunny" }),
                }),
        });

        var input = JsonNode.Parse(_upstream.LastRequest.Body)!["input"]!.AsArray();
        var reasoning = input.Single(i => (string?)i!["type"] == "reasoning")!;
        Assert.Equal(ReasoningId, (string?)reasoning["id"]);
        Assert.Equal("gAAAAABoBr_KencryptedReasoning==", (string?)reasoning["encrypted_content"]);
        var call = input.Single(i => (string?)i!["type"] == "function_call")!;
        var output = input.Single(i => (string?)i!["type"] == "function_call_output")!;
        Assert.Equal((string?)call["call_id"], (string?)output["call_id"]);
        Assert.Contains("sunny", output["output"]!.ToJsonString());
        // The reasoning item stands before the call it led to, as the upstream produced them.
        Assert.True(input.IndexOf(reasoning) < input.IndexOf(call));
    }

    [Fact]
    public async Task AThinkingSignatureNotSignedByThisGateway_IsNeverSentUpstream()
    {
        _upstream.Handler = (ctx, _) => OpenAIResponses.WriteSseAsync(ctx, [Created, MessageAdded, TextDelta, MessageDone, Completed], done: false);
        await PostAsync(new JsonObject
        {
            ["model"] = "gpt-next", ["max_tokens"] = 4000, ["stream"] = true,
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "user", ["content"] = "hi" },
                new JsonObject
                {
                    ["role"] = "assistant",
                    ["content"] = new JsonArray(
                        new JsonObject { ["type"] = "thinking", ["thinking"] = "hm", ["signature"] = "EqQBCkgIARABGAIiQAnthropicLookingSignature" },
                        new JsonObject { ["type"] = "text", ["text"] = "Hello." }),
                },
                new JsonObject { ["role"] = "user", ["content"] = "again" }),
        });
        var body = _upstream.LastRequest.Body;
        Assert.DoesNotContain("AnthropicLookingSignature", body);
        Assert.DoesNotContain("\"reasoning\",\"id\"", body);
    }
}
