using System.Buffers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.AnthropicToOpenAI;
using Bridge.Gateway.Translation.AnthropicToResponses;
using static Bridge.Tests.Translation.AnthropicToResponses.ResponsesTestHelpers;
using static Bridge.Tests.Translation.AnthropicToResponses.ResponsesVendorExamples;

namespace Bridge.Tests.Translation.AnthropicToResponses;

/// <summary>Responses stream events -> Anthropic SSE, from OpenAI's documented events.</summary>
public class ResponsesToAnthropicStreamTests
{
    private const string Model = "claude-sonnet-5";

    private sealed class Run(ToolNameMap? names = null, byte[]? key = null)
    {
        public ResponsesToAnthropicStream Stream { get; } = new(Model, names ?? ToolNameMap.Empty, key ?? Key, 100);

        public ArrayBufferWriter<byte> Output { get; } = new();

        public Run Feed(params string[] events)
        {
            foreach (var e in events)
            {
                Assert.True(Stream.OnEvent(null, Encoding.UTF8.GetBytes(e), Output), Stream.UpstreamError);
            }

            return this;
        }

        public List<SseItem<string>> Events => TranslationTestHelpers.ParseSse(Output.WrittenSpan);

        public List<string> Sequence => Events.Select(TranslationTestHelpers.Describe).ToList();

        public JsonElement Data(int index) => Json(Events[index].Data);
    }

    [Fact]
    public void DocumentedTextStream_GivesTheAnthropicSequence()
    {
        var run = new Run().Feed(Created, MessageAdded, TextDelta, MessageDone, Completed);

        Assert.Equal(
            ["message_start", "ping", "start:0:text", "delta:0:text_delta", "stop:0", "message_delta", "message_stop"],
            run.Sequence);
        Assert.Equal("In", run.Data(3).GetProperty("delta").GetProperty("text").GetString());
        var start = run.Data(0).GetProperty("message");
        Assert.Equal(Model, start.GetProperty("model").GetString());
        Assert.StartsWith("msg_", start.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("end_turn", run.Data(5).GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.True(run.Stream.Completed);
        Assert.True(run.Stream.Finished);
        Assert.Equal("completed", run.Stream.ResponseStatus);
    }

    [Fact]
    public void ReasoningThenFunctionCall_StreamsThinking_SignsTheEncryptedReasoning_AndEndsWithToolUse()
    {
        var run = new Run().Feed(
            Created, ReasoningAdded, ReasoningSummaryDelta,
            ReasoningSummaryDelta.Replace("\"summary_index\":0", "\"summary_index\":1", StringComparison.Ordinal),
            ReasoningDone, FunctionCallAdded, FunctionCallArgumentsDelta,
            FunctionCallArgumentsDelta.Replace("{ \\\"arg\\\":", " 1}", StringComparison.Ordinal),
            FunctionCallDone,
            Completed.Replace("\"input_tokens\":0,", "\"input_tokens\":1200,\"input_tokens_details\":{\"cached_tokens\":1000},", StringComparison.Ordinal)
                .Replace("\"output_tokens\":0,\"output_tokens_details\":{\"reasoning_tokens\":0}", "\"output_tokens\":90,\"output_tokens_details\":{\"reasoning_tokens\":64}", StringComparison.Ordinal));

        Assert.Equal(
            [
                "message_start", "ping",
                "start:0:thinking", "delta:0:thinking_delta", "delta:0:thinking_delta", "delta:0:thinking_delta", "delta:0:signature_delta", "stop:0",
                "start:1:tool_use", "delta:1:input_json_delta", "delta:1:input_json_delta", "stop:1",
                "message_delta", "message_stop",
            ],
            run.Sequence);
        Assert.Equal("\n\n", run.Data(4).GetProperty("delta").GetProperty("thinking").GetString());
        var signature = run.Data(6).GetProperty("delta").GetProperty("signature").GetString();
        Assert.True(ReasoningSignature.TryDecode(signature, Key, out var id, out var enc));
        Assert.Equal(ReasoningId, id);
        Assert.Equal("gAAAAABoBr_KencryptedReasoning==", enc);
        var tool = run.Data(8).GetProperty("content_block");
        Assert.Equal("toolu_bridge_call_12345xyz", tool.GetProperty("id").GetString());
        Assert.Equal("get_weather", tool.GetProperty("name").GetString());
        Assert.Equal("{ \"arg\":", run.Data(9).GetProperty("delta").GetProperty("partial_json").GetString());
        var delta = run.Data(12);
        Assert.Equal("tool_use", delta.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal("""{"input_tokens":200,"cache_creation_input_tokens":0,"cache_read_input_tokens":1000,"output_tokens":90}""", delta.GetProperty("usage").GetRawText());
        Assert.Equal(64, run.Stream.ReasoningTokens);
    }

    [Fact]
    public void StreamedReasoning_ComesBackToTheUpstream_OnTheToolResultTurn()
    {
        // Turn 1: what the client receives.
        var run = new Run().Feed(Created, ReasoningAdded, ReasoningSummaryDelta, ReasoningDone, FunctionCallAdded, FunctionCallDone, Completed);
        var thinking = new StringBuilder();
        var signature = new StringBuilder();
        string? toolId = null;
        foreach (var e in run.Events.Where(e => e.EventType is "content_block_delta" or "content_block_start"))
        {
            var data = Json(e.Data);
            if (e.EventType == "content_block_start" && data.GetProperty("content_block").GetProperty("type").GetString() == "tool_use")
            {
                toolId = data.GetProperty("content_block").GetProperty("id").GetString();
                continue;
            }

            if (e.EventType != "content_block_delta")
            {
                continue;
            }

            var d = data.GetProperty("delta");
            thinking.Append(d.TryGetProperty("thinking", out var t) ? t.GetString() : "");
            signature.Append(d.TryGetProperty("signature", out var s) ? s.GetString() : "");
        }

        // Turn 2: the client sends its history back, as Claude Code does in its tool loop.
        var request = new JsonObject
        {
            ["model"] = Model,
            ["max_tokens"] = 1000,
            ["thinking"] = new JsonObject { ["type"] = "adaptive" },
            ["messages"] = new JsonArray
            {
                new JsonObject { ["role"] = "user", ["content"] = "weather?" },
                new JsonObject
                {
                    ["role"] = "assistant",
                    ["content"] = new JsonArray
                    {
                        new JsonObject { ["type"] = "thinking", ["thinking"] = thinking.ToString(), ["signature"] = signature.ToString() },
                        new JsonObject { ["type"] = "tool_use", ["id"] = toolId, ["name"] = "get_weather", ["input"] = new JsonObject { ["arg"] = 1 } },
                    },
                },
                new JsonObject
                {
                    ["role"] = "user",
                    ["content"] = new JsonArray { new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = toolId, ["content"] = "sunny" } },
                },
            },
        };
        var (result, body) = Translate(Json(request.ToJsonString()), Gpt5);

        Assert.True(result.Ok, result.ErrorMessage);
        var input = Input(body);
        Assert.Equal(["message", "reasoning", "function_call", "function_call_output"], input.Select(Type));
        Assert.Equal(ReasoningId, input[1].GetProperty("id").GetString());
        Assert.Equal("gAAAAABoBr_KencryptedReasoning==", input[1].GetProperty("encrypted_content").GetString());
        Assert.Equal("**Respond", input[1].GetProperty("summary")[0].GetProperty("text").GetString());
        Assert.Equal("call_12345xyz", input[2].GetProperty("call_id").GetString());
        Assert.Equal("call_12345xyz", input[3].GetProperty("call_id").GetString());

        // Under another gateway key the same history carries nothing upstream.
        var (_, foreign) = Translate(Json(request.ToJsonString()), Gpt5, OtherKey);
        Assert.DoesNotContain(Input(foreign), i => Type(i) == "reasoning");
    }

    [Fact]
    public void SameContent_GivesTheSameEventsAsTheChatCompletionsStream()
    {
        // Thinking, text, then two tool calls: once as Chat Completions chunks, once as Responses events.
        var chat = new OpenAIToAnthropicStream(Model, ToolNameMap.Empty, [], 100);
        var chatOut = new ArrayBufferWriter<byte>();
        string[] chunks =
        [
            """{"choices":[{"index":0,"delta":{"role":"assistant","reasoning_content":"Think"}}]}""",
            """{"choices":[{"index":0,"delta":{"reasoning_content":"ing"}}]}""",
            """{"choices":[{"index":0,"delta":{"content":"Hello"}}]}""",
            """{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"Bash","arguments":""}}]}}]}""",
            """{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"command\":\"ls\"}"}}]}}]}""",
            """{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"Read","arguments":"{}"}}]}}]}""",
            """{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""",
            """{"choices":[],"usage":{"prompt_tokens":50,"completion_tokens":20,"total_tokens":70,"prompt_tokens_details":{"cached_tokens":10}}}""",
        ];
        foreach (var chunk in chunks)
        {
            Assert.True(chat.OnChunk(Encoding.UTF8.GetBytes(chunk), chatOut));
        }

        chat.WriteEnd(chatOut);

        var run = new Run().Feed(
            Created,
            """{"type":"response.output_item.added","output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[]}}""",
            """{"type":"response.reasoning_summary_text.delta","item_id":"rs_1","output_index":0,"summary_index":0,"delta":"Think"}""",
            """{"type":"response.reasoning_summary_text.delta","item_id":"rs_1","output_index":0,"summary_index":0,"delta":"ing"}""",
            """{"type":"response.output_item.done","output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"Thinking"}]}}""",
            """{"type":"response.output_item.added","output_index":1,"item":{"id":"msg_1","status":"in_progress","type":"message","role":"assistant","content":[]}}""",
            """{"type":"response.output_text.delta","item_id":"msg_1","output_index":1,"content_index":0,"delta":"Hello"}""",
            """{"type":"response.output_item.added","output_index":2,"item":{"id":"fc_a","type":"function_call","call_id":"call_a","name":"Bash","arguments":"","status":"in_progress"}}""",
            """{"type":"response.function_call_arguments.delta","item_id":"fc_a","output_index":2,"delta":"{\"command\":\"ls\"}"}""",
            """{"type":"response.output_item.added","output_index":3,"item":{"id":"fc_b","type":"function_call","call_id":"call_b","name":"Read","arguments":"","status":"in_progress"}}""",
            """{"type":"response.function_call_arguments.delta","item_id":"fc_b","output_index":3,"delta":"{}"}""",
            """{"type":"response.completed","response":{"id":"resp_1","object":"response","status":"completed","output":[],"usage":{"input_tokens":50,"input_tokens_details":{"cached_tokens":10},"output_tokens":20,"output_tokens_details":{"reasoning_tokens":5},"total_tokens":70}}}""");

        var expected = TranslationTestHelpers.ParseSse(chatOut.WrittenSpan).Select(e => (e.EventType, e.Data.Replace(chat.MessageId, "MSG", StringComparison.Ordinal))).ToList();
        var actual = run.Events.Select(e => (e.EventType, e.Data.Replace(run.Stream.MessageId, "MSG", StringComparison.Ordinal))).ToList();
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("max_tokens", "max_tokens")]          // OpenAI's reference example
    [InlineData("max_output_tokens", "max_tokens")]   // what the API sends
    [InlineData("content_filter", "refusal")]
    public void Incomplete_MapsItsReason(string reason, string stopReason)
    {
        var run = new Run().Feed(Created, MessageAdded, TextDelta,
            Incomplete.Replace("\"reason\":\"max_tokens\"", $"\"reason\":\"{reason}\"", StringComparison.Ordinal));

        Assert.Equal(["message_start", "ping", "start:0:text", "delta:0:text_delta", "stop:0", "message_delta", "message_stop"], run.Sequence);
        Assert.Equal(stopReason, run.Data(5).GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal("incomplete", run.Stream.ResponseStatus);
    }

    [Fact]
    public void Failed_AndError_AreReportedForTheCaller()
    {
        var failed = new Run().Feed(Created, MessageAdded, TextDelta);
        Assert.False(failed.Stream.OnEvent("response.failed", Encoding.UTF8.GetBytes(Failed), failed.Output));
        Assert.Equal("The model failed to generate a response.", failed.Stream.UpstreamError);
        Assert.Null(failed.Stream.UpstreamErrorStatus);
        failed.Stream.WriteError("api_error", failed.Stream.UpstreamError!, failed.Output);
        Assert.Equal(["message_start", "ping", "start:0:text", "delta:0:text_delta", "error"], failed.Events.Select(e => e.EventType == "error" ? "error" : TranslationTestHelpers.Describe(e)));

        var error = new Run();
        Assert.False(error.Stream.OnEvent("error", Encoding.UTF8.GetBytes(Error), error.Output));
        Assert.Equal("Something went wrong", error.Stream.UpstreamError);
        Assert.Equal(0, error.Output.WrittenCount); // nothing sent yet: the caller can still fail over

        var limited = new Run();
        Assert.False(limited.Stream.OnEvent(null, """{"type":"error","code":"rate_limit_exceeded","message":"Rate limit reached","param":null}"""u8, limited.Output));
        Assert.Equal(429, limited.Stream.UpstreamErrorStatus);

        var garbage = new Run();
        Assert.False(garbage.Stream.OnEvent(null, "not json"u8, garbage.Output));
    }

    [Fact]
    public void WholeItems_WithoutDeltas_AreStillShown()
    {
        var run = new Run().Feed(Created, ReasoningDone, FunctionCallDone, MessageDone, Completed);

        Assert.Equal(
            [
                "message_start", "ping",
                "start:0:thinking", "delta:0:thinking_delta", "delta:0:signature_delta", "stop:0",
                "start:1:tool_use", "delta:1:input_json_delta", "stop:1",
                "start:2:text", "delta:2:text_delta", "stop:2",
                "message_delta", "message_stop",
            ],
            run.Sequence);
        Assert.Equal("**Respond**", run.Data(3).GetProperty("delta").GetProperty("thinking").GetString());
        Assert.Equal("{ \"arg\": 1}", run.Data(7).GetProperty("delta").GetProperty("partial_json").GetString());
        Assert.StartsWith("In a shimmering forest", run.Data(10).GetProperty("delta").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("tool_use", run.Data(12).GetProperty("delta").GetProperty("stop_reason").GetString());
    }
}
