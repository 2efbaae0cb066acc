using System.Buffers;
using System.Text;
using System.Text.Json;
using Bridge.Gateway.Translation.ChatToResponses;
using Bridge.Tests.Translation.AnthropicToResponses;
using static Bridge.Tests.Translation.TranslationTestHelpers;
using V = Bridge.Tests.Translation.AnthropicToResponses.ResponsesVendorExamples;

namespace Bridge.Tests.Translation.ChatToResponses;

/// <summary>Responses stream events (OpenAI's documented examples) -> chat.completion.chunk frames, compared chunk by chunk.</summary>
public class ResponsesStreamToChatTests
{
    private sealed class Run(bool includeUsage = false)
    {
        public ResponsesStreamToChat Stream { get; } = new("my-gpt", includeUsage);

        public ArrayBufferWriter<byte> Output { get; } = new();

        /// <summary>Feeds every event (its data JSON, no event: line); returns the result of the last OnEvent.</summary>
        public bool Feed(params string[] events)
        {
            foreach (var data in events)
            {
                if (!Stream.OnEvent(null, Encoding.UTF8.GetBytes(data), Output))
                {
                    return false;
                }
            }

            return true;
        }

        public List<JsonElement> Chunks()
        {
            var items = ParseSse(Output.WrittenSpan);
            Assert.All(items, i => Assert.Equal("message", i.EventType)); // bare data: frames, as OpenAI's
            return items.Where(i => i.Data != "[DONE]").Select(i => Json(i.Data)).ToList();
        }

        public List<string> Described() => Chunks().Select(Describe).ToList();
    }

    /// <summary>A compact description of one chunk's delta, for exact sequence asserts.</summary>
    private static string Describe(JsonElement chunk)
    {
        Assert.Equal("chat.completion.chunk", chunk.GetProperty("object").GetString());
        Assert.Equal("my-gpt", chunk.GetProperty("model").GetString());
        var choices = chunk.GetProperty("choices");
        if (choices.GetArrayLength() == 0)
        {
            var u = chunk.GetProperty("usage");
            return $"usage:{u.GetProperty("prompt_tokens").GetInt32()}/{u.GetProperty("completion_tokens").GetInt32()}"
                + $"/{u.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32()}"
                + $"/{u.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32()}";
        }

        var choice = choices[0];
        var parts = choice.GetProperty("delta").EnumerateObject().Select(p => $"{p.Name}={p.Value.GetRawText()}").ToList();
        if (choice.GetProperty("finish_reason").ValueKind == JsonValueKind.String)
        {
            parts.Add("finish=" + choice.GetProperty("finish_reason").GetString());
        }

        return string.Join(" ", parts);
    }

    private const string Usage =
        """{"input_tokens":40,"input_tokens_details":{"cached_tokens":32},"output_tokens":9,"output_tokens_details":{"reasoning_tokens":4},"total_tokens":49}""";

    private static string Completed(string status = "completed", string incomplete = "null") =>
        $$$"""{"type":"response.{{{status}}}","response":{"id":"resp_1","object":"response","status":"{{{status}}}","incomplete_details":{{{incomplete}}},"output":[],"usage":{{{Usage}}}}}""";

    [Fact]
    public void Vendor_text_stream_becomes_role_content_and_finish_chunks()
    {
        var run = new Run();

        Assert.True(run.Feed(V.Created, V.MessageAdded, V.TextDelta, V.TextDelta, V.MessageDone, V.Completed));
        run.Stream.WriteDone(run.Output);

        Assert.Equal(
            [
                "role=\"assistant\" content=\"\"",
                "content=\"In\"",
                "content=\"In\"",
                "finish=stop",
            ],
            run.Described());
        Assert.True(run.Stream.Completed);
        Assert.Equal("stop", run.Stream.FinishReason);
        Assert.EndsWith("data: [DONE]\n\n", Encoding.UTF8.GetString(run.Output.WrittenSpan));
        Assert.Single(run.Chunks().Select(c => c.GetProperty("id").GetString()).Distinct());
    }

    [Fact]
    public void Reasoning_text_and_a_function_call_stream_as_reasoning_content_content_and_tool_call_deltas_then_usage()
    {
        var run = new Run(includeUsage: true);

        Assert.True(run.Feed(
            V.Created,
            V.ReasoningAdded,
            V.ReasoningSummaryDelta,
            """{"type":"response.reasoning_summary_text.delta","item_id":"rs_6806bfca0b2481918a5748308061a2600d3ce51bdffd5476","output_index":0,"summary_index":1,"delta":"Second"}""",
            V.ReasoningDone,
            V.FunctionCallAdded,
            """{"type":"response.function_call_arguments.delta","item_id":"item-abc","output_index":1,"delta":"{ \"arg\":"}""",
            """{"type":"response.function_call_arguments.delta","item_id":"item-abc","output_index":1,"delta":" 1}"}""",
            V.FunctionCallDone,
            Completed()));

        Assert.Equal(
            [
                "role=\"assistant\" content=\"\"",
                "reasoning_content=\"**Respond\"",
                "reasoning_content=\"\\n\\n\"",
                "reasoning_content=\"Second\"",
                "tool_calls=[{\"index\":0,\"id\":\"call_12345xyz\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]",
                "tool_calls=[{\"index\":0,\"function\":{\"arguments\":\"{ \\\"arg\\\":\"}}]",
                "tool_calls=[{\"index\":0,\"function\":{\"arguments\":\" 1}\"}}]",
                "finish=tool_calls",
                "usage:40/9/32/4",
            ],
            run.Described());
        Assert.DoesNotContain("encryptedReasoning", Encoding.UTF8.GetString(run.Output.WrittenSpan));
        Assert.Equal((40, 9, 32, 4, 1), (run.Stream.PromptTokens, run.Stream.CompletionTokens, run.Stream.CachedTokens, run.Stream.ReasoningTokens, run.Stream.ToolCalls));
    }

    [Fact]
    public void Items_sent_whole_at_done_are_written_once()
    {
        var run = new Run();

        Assert.True(run.Feed(V.Created, V.ReasoningDone, V.MessageDone, V.FunctionCallDone, Completed()));

        var described = run.Described();
        Assert.Equal("reasoning_content=\"**Respond**\"", described[1]);
        Assert.StartsWith("content=\"In a shimmering forest", described[2]);
        Assert.Equal("tool_calls=[{\"index\":0,\"id\":\"call_12345xyz\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]", described[3]);
        Assert.Equal("tool_calls=[{\"index\":0,\"function\":{\"arguments\":\"{ \\\"arg\\\": 1}\"}}]", described[4]);
        Assert.Equal("finish=tool_calls", described[5]);
        Assert.Equal(6, described.Count);
    }

    [Fact]
    public void Two_function_calls_get_indexes_0_and_1_and_fragments_are_routed_by_item_id()
    {
        var run = new Run();

        Assert.True(run.Feed(
            V.Created,
            """{"type":"response.output_item.added","output_index":0,"item":{"id":"fc_a","type":"function_call","call_id":"call_a","name":"a","arguments":""}}""",
            """{"type":"response.output_item.added","output_index":1,"item":{"id":"fc_b","type":"function_call","call_id":"call_b","name":"b","arguments":""}}""",
            """{"type":"response.function_call_arguments.delta","item_id":"fc_b","output_index":1,"delta":"{}"}""",
            """{"type":"response.function_call_arguments.delta","item_id":"fc_a","output_index":0,"delta":"{\"x\":1}"}""",
            Completed()));

        var chunks = run.Chunks();
        Assert.Equal(1, chunks[2].GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0].GetProperty("index").GetInt32());
        var fragmentB = chunks[3].GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0];
        Assert.Equal((1, "{}"), (fragmentB.GetProperty("index").GetInt32(), fragmentB.GetProperty("function").GetProperty("arguments").GetString()));
        var fragmentA = chunks[4].GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0];
        Assert.Equal((0, "{\"x\":1}"), (fragmentA.GetProperty("index").GetInt32(), fragmentA.GetProperty("function").GetProperty("arguments").GetString()));
    }

    [Fact]
    public void Vendor_incomplete_event_finishes_with_length()
    {
        var run = new Run(includeUsage: true);

        Assert.True(run.Feed(V.Created, V.TextDelta, V.Incomplete));

        Assert.Equal(["role=\"assistant\" content=\"\"", "content=\"In\"", "finish=length", "usage:0/0/0/0"], run.Described());
    }

    [Fact]
    public void Vendor_failed_event_and_error_event_stop_the_stream_with_the_upstream_message()
    {
        var failed = new Run();
        Assert.False(failed.Feed(V.Created, V.TextDelta, V.Failed));
        Assert.Equal("The model failed to generate a response.", failed.Stream.UpstreamError);

        var error = new Run();
        Assert.False(error.Feed(V.Created, V.Error));
        Assert.Equal("Something went wrong", error.Stream.UpstreamError);
        error.Stream.WriteError(error.Stream.UpstreamError!, "server_error", error.Output);

        var frames = ParseSse(error.Output.WrittenSpan).Select(i => i.Data).ToList();
        Assert.Equal("Something went wrong", Json(frames[^1]).GetProperty("error").GetProperty("message").GetString());
        Assert.DoesNotContain("[DONE]", frames);
        Assert.True(error.Stream.Completed);
    }

    [Fact]
    public void Unreadable_event_is_an_upstream_error()
    {
        var run = new Run();

        Assert.False(run.Feed("not json"));
        Assert.NotNull(run.Stream.UpstreamError);
        Assert.Equal(0, run.Output.WrittenCount);
    }

    [Fact]
    public void Text_delta_logprobs_ride_on_the_content_chunk()
    {
        var run = new Run();

        Assert.True(run.Feed(
            V.Created,
            """{"type":"response.output_text.delta","item_id":"msg_123","output_index":0,"content_index":0,"delta":"In","logprobs":[{"token":"In","logprob":-0.2,"top_logprobs":[]}]}""",
            V.TextDelta,
            Completed()));

        var chunks = run.Chunks();
        Assert.True(JsonElement.DeepEquals(
            Json("""{"content":[{"token":"In","logprob":-0.2,"top_logprobs":[]}],"refusal":null}"""),
            chunks[1].GetProperty("choices")[0].GetProperty("logprobs")));
        Assert.Equal(JsonValueKind.Null, chunks[2].GetProperty("choices")[0].GetProperty("logprobs").ValueKind);
        Assert.Equal("In", chunks[1].GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString());
    }
}
