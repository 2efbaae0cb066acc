using Bridge.Tests.Infrastructure;
using System.Buffers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using Bridge.Gateway.Translation.OpenAIToAnthropic;
using static Bridge.Tests.Translation.TranslationTestHelpers;

namespace Bridge.Tests.Translation.OpenAIToAnthropic;

/// <summary>Anthropic SSE (recorded and crafted) -> OpenAI chunks, compared chunk by chunk.</summary>
public class MessagesStreamToChatTests
{
    private sealed class Run(bool includeUsage = false)
    {
        public MessagesStreamToChat Stream { get; } = new("gpt-4o", includeUsage);

        public ArrayBufferWriter<byte> Output { get; } = new();

        /// <summary>Feeds every event; returns the result of the last OnEvent.</summary>
        public bool Feed(string anthropicSse)
        {
            using var source = new MemoryStream(Encoding.UTF8.GetBytes(anthropicSse));
            var ok = true;
            foreach (var item in SseParser.Create(source).Enumerate())
            {
                ok = Stream.OnEvent(item.EventType, Encoding.UTF8.GetBytes(item.Data), Output);
                if (!ok)
                {
                    break;
                }
            }

            return ok;
        }

        /// <summary>The data payloads written so far (every frame must be a bare data: frame).</summary>
        public List<string> Frames()
        {
            var items = ParseSse(Output.WrittenSpan);
            Assert.All(items, i => Assert.Equal("message", i.EventType)); // no event: lines
            return items.Select(i => i.Data).ToList();
        }

        public List<JsonElement> Chunks() => Frames().Where(f => f != "[DONE]").Select(Json).ToList();
    }

    private static string Event(string type, string data) => $"event: {type}\ndata: {data}\n\n";

    private const string Start =
        """{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":20,"cache_creation_input_tokens":2,"cache_read_input_tokens":100,"output_tokens":1}}}""";

    /// <summary>A compact description of one chunk's delta, for exact sequence asserts.</summary>
    private static string Describe(JsonElement chunk)
    {
        var choices = chunk.GetProperty("choices");
        if (choices.GetArrayLength() == 0)
        {
            var u = chunk.GetProperty("usage");
            return $"usage:{u.GetProperty("prompt_tokens").GetInt32()}/{u.GetProperty("completion_tokens").GetInt32()}/{u.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32()}/{u.GetProperty("cache_creation_input_tokens").GetInt32()}";
        }

        var choice = choices[0];
        var parts = new List<string>();
        foreach (var property in choice.GetProperty("delta").EnumerateObject())
        {
            parts.Add(property.Name switch
            {
                "tool_calls" => "tool_calls" + string.Concat(property.Value.EnumerateArray().Select(c => "[" + c.GetRawText() + "]")),
                _ => $"{property.Name}={property.Value.GetRawText()}",
            });
        }

        if (choice.GetProperty("finish_reason").ValueKind == JsonValueKind.String)
        {
            parts.Add("finish=" + choice.GetProperty("finish_reason").GetString());
        }

        return string.Join(" ", parts);
    }

    [Fact]
    public void Stream_RecordedTextAnswer_EmitsRoleContentFinishDone()
    {
        var run = new Run();
        Assert.True(run.Feed(Fixtures.ResponseBody("cc-text-default", 2)));
        run.Stream.WriteDone(run.Output);

        Assert.Equal(
            [
                "role=\"assistant\" content=\"\"",
                "content=\"Hi! How \"", "content=\"can I he\"", "content=\"lp you t\"", "content=\"oday?\"",
                "finish=stop",
            ],
            run.Chunks().Select(Describe));
        Assert.Equal("[DONE]", run.Frames()[^1]);
        Assert.True(run.Stream.Completed);
        Assert.Equal(("stop", 18990, 12, 0), (run.Stream.FinishReason, run.Stream.PromptTokens, run.Stream.CompletionTokens, run.Stream.CachedTokens));
    }

    [Fact]
    public void Stream_AllChunks_ShareIdCreatedModelAndObject()
    {
        var run = new Run(includeUsage: true);
        run.Feed(Fixtures.ResponseBody("sdk-anthropic", 1));
        var chunks = run.Chunks();

        Assert.All(chunks, c =>
        {
            Assert.Equal(run.Stream.Id, c.GetProperty("id").GetString());
            Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString());
            Assert.Equal("gpt-4o", c.GetProperty("model").GetString());
            Assert.Equal(chunks[0].GetProperty("created").GetInt64(), c.GetProperty("created").GetInt64());
        });
        Assert.StartsWith("chatcmpl-", run.Stream.Id);
    }

    [Fact]
    public void Stream_RecordedTextThenToolUse_ToolCallHeaderOnFirstFragmentOnly()
    {
        var run = new Run(includeUsage: true);
        Assert.True(run.Feed(Fixtures.ResponseBody("sdk-anthropic", 1)));

        Assert.Equal(
            [
                "role=\"assistant\" content=\"\"",
                "content=\"Let me c\"", "content=\"heck tha\"", "content=\"t.\"",
                """tool_calls[{"index":0,"id":"toolu_011icRvzojMe02kPg3Z63treYZ","type":"function","function":{"name":"get_weather","arguments":""}}]""",
                """tool_calls[{"index":0,"function":{"arguments":"{\"city\":\"P"}}]""",
                """tool_calls[{"index":0,"function":{"arguments":"aris\",\"uni"}}]""",
                """tool_calls[{"index":0,"function":{"arguments":"t\":\"celsiu"}}]""",
                """tool_calls[{"index":0,"function":{"arguments":"s\"}"}}]""",
                "finish=tool_calls",
                "usage:156/12/0/0",
            ],
            run.Chunks().Select(Describe));
    }

    [Fact]
    public void Stream_RecordedThinkingThenText_ThinkingBecomesReasoningContent()
    {
        var run = new Run();
        Assert.True(run.Feed(Fixtures.ResponseBody("sdk-anthropic", 5)));

        Assert.Equal(
            [
                "role=\"assistant\" content=\"\"",
                "reasoning_content=\"The user wants a\"", "reasoning_content=\" short greeting.\"",
                "reasoning_content=\" I will answer b\"", "reasoning_content=\"riefly.\"",
                "content=\"Hi! How \"", "content=\"can I he\"", "content=\"lp you t\"", "content=\"oday?\"",
                "finish=stop",
            ],
            run.Chunks().Select(Describe));
    }

    [Theory]
    [InlineData("cc-tool-read-default", 2)]
    [InlineData("cc-tool-bash-sonnet", 2)]
    [InlineData("sdk-anthropic-0x", 1)]
    public void Stream_RecordedToolUse_ArgumentFragmentsRebuildTheInput(string file, int seq)
    {
        var recorded = Fixtures.ResponseBody(file, seq);
        var run = new Run();
        Assert.True(run.Feed(recorded));

        var expectedInput = string.Concat(ParseSse(Encoding.UTF8.GetBytes(recorded))
            .Where(e => e.EventType == "content_block_delta")
            .Select(e => Json(e.Data).GetProperty("delta"))
            .Where(d => d.GetProperty("type").GetString() == "input_json_delta")
            .Select(d => d.GetProperty("partial_json").GetString()));
        var arguments = string.Concat(run.Chunks()
            .Where(c => c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("tool_calls", out _))
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString()));

        Assert.Equal(expectedInput, arguments);
        Assert.Equal(JsonValueKind.Object, Json(arguments).ValueKind);
        Assert.Equal("tool_calls", run.Stream.FinishReason);
    }

    [Fact]
    public void Stream_TwoParallelToolUses_IndexedByToolCallAndRoutedByBlock()
    {
        var sse = Event("message_start", Start)
            + Event("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""")
            + Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Both."}}""")
            + Event("content_block_stop", """{"type":"content_block_stop","index":0}""")
            + Event("content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_A","name":"get_weather","input":{}}}""")
            + Event("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}""")
            + Event("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\":"}}""")
            + Event("content_block_start", """{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_B","name":"get_time","input":{}}}""")
            + Event("content_block_delta", """{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"tz\":\"CET\"}"}}""")
            + Event("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"\"Paris\"}"}}""")
            + Event("content_block_stop", """{"type":"content_block_stop","index":2}""")
            + Event("content_block_stop", """{"type":"content_block_stop","index":1}""")
            + Event("message_delta", """{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":30}}""")
            + Event("message_stop", """{"type":"message_stop"}""");
        var run = new Run();
        Assert.True(run.Feed(sse));

        Assert.Equal(
            [
                "role=\"assistant\" content=\"\"",
                "content=\"Both.\"",
                """tool_calls[{"index":0,"id":"toolu_A","type":"function","function":{"name":"get_weather","arguments":""}}]""",
                """tool_calls[{"index":0,"function":{"arguments":"{\"city\":"}}]""",
                """tool_calls[{"index":1,"id":"toolu_B","type":"function","function":{"name":"get_time","arguments":""}}]""",
                """tool_calls[{"index":1,"function":{"arguments":"{\"tz\":\"CET\"}"}}]""",
                """tool_calls[{"index":0,"function":{"arguments":"\"Paris\"}"}}]""",
                "finish=tool_calls",
            ],
            run.Chunks().Select(Describe));
        Assert.Equal(2, run.Stream.ToolCalls);
    }

    [Fact]
    public void Stream_UsageChunk_OnlyWhenIncludeUsage()
    {
        var sse = Event("message_start", Start)
            + Event("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""")
            + Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}}""")
            + Event("message_delta", """{"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"output_tokens":7}}""")
            + Event("message_stop", """{"type":"message_stop"}""");

        var without = new Run(includeUsage: false);
        without.Feed(sse);
        Assert.DoesNotContain(without.Chunks(), c => c.GetProperty("choices").GetArrayLength() == 0);
        Assert.Equal("finish=length", Describe(without.Chunks()[^1]));

        var with = new Run(includeUsage: true);
        with.Feed(sse);
        var last = with.Chunks()[^1];
        Assert.Equal("usage:122/7/100/2", Describe(last));
        Assert.Equal(129, last.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Equal(("length", 122, 7, 100, 2), (with.Stream.FinishReason, with.Stream.PromptTokens, with.Stream.CompletionTokens, with.Stream.CachedTokens, with.Stream.CacheCreationTokens));
    }

    [Fact]
    public void Stream_ErrorEventMidStream_ReturnsFalseAndWritesOpenAIErrorFrame()
    {
        var sse = Event("message_start", Start)
            + Event("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""")
            + Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"partial"}}""")
            + Event("error", """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""")
            + Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"never"}}""");
        var run = new Run(includeUsage: true);

        Assert.False(run.Feed(sse));
        Assert.Equal("overloaded_error", run.Stream.UpstreamErrorType);
        Assert.Equal("Overloaded", run.Stream.UpstreamErrorMessage);
        Assert.False(run.Stream.Completed);
        Assert.Equal(["role=\"assistant\" content=\"\"", "content=\"partial\""], run.Chunks().Select(Describe));

        run.Stream.WriteError("claude-backend: Overloaded", "server_error", run.Output);
        var frames = run.Frames();
        AssertJsonEqualStrict("""{"error":{"message":"claude-backend: Overloaded","type":"server_error","param":null,"code":null}}""", frames[^1]);
        Assert.True(run.Stream.Completed);
        Assert.True(run.Stream.OnEvent("message_stop", "{}"u8, run.Output));
        Assert.Equal(frames.Count, run.Frames().Count); // nothing after the error
    }

    [Fact]
    public void Stream_PingsSignaturesAndUnknownEvents_WriteNothing()
    {
        var run = new Run();
        Assert.True(run.Stream.OnEvent("ping", """{"type":"ping"}"""u8, run.Output));
        Assert.True(run.Stream.OnEvent("some_future_event", """{"type":"some_future_event"}"""u8, run.Output));
        Assert.Equal(0, run.Output.WrittenCount);
        Assert.True(run.Stream.OnEvent("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"abc"}}"""u8, run.Output));
        Assert.Equal(0, run.Output.WrittenCount);
    }

    [Fact]
    public void Stream_DeltaWithoutMessageStart_FirstChunkStillCarriesRole()
    {
        var run = new Run();
        run.Stream.OnEvent("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}}"""u8, run.Output);
        run.Stream.OnEvent("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"y"}}"""u8, run.Output);

        Assert.Equal(["role=\"assistant\" content=\"x\"", "content=\"y\""], run.Chunks().Select(Describe));
    }

    [Fact]
    public void Stream_InvalidJsonData_ReturnsFalseWithApiError()
    {
        var run = new Run();
        Assert.False(run.Stream.OnEvent("content_block_delta", "{not json"u8, run.Output));
        Assert.Equal("api_error", run.Stream.UpstreamErrorType);
    }

    private static void AssertJsonEqualStrict(string expected, string actual) =>
        Assert.True(JsonElement.DeepEquals(Json(expected), Json(actual)), actual);
}
