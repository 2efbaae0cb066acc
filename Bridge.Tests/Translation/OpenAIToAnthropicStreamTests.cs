using Bridge.Tests.Infrastructure;
using System.Buffers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.AnthropicToOpenAI;
using static Bridge.Tests.Translation.TranslationTestHelpers;

namespace Bridge.Tests.Translation;

/// <summary>OpenAI chunks -> Anthropic SSE, compared event by event.</summary>
public class OpenAIToAnthropicStreamTests
{
    private const string Model = "claude-sonnet-4-5";

    private sealed class Run
    {
        public Run(ToolNameMap? names = null, IReadOnlyList<string>? stops = null, int estimate = 100)
        {
            Stream = new OpenAIToAnthropicStream(Model, names ?? ToolNameMap.Empty, stops ?? [], estimate);
        }

        public OpenAIToAnthropicStream Stream { get; }

        public ArrayBufferWriter<byte> Output { get; } = new();

        public Run Start()
        {
            Stream.WriteStart(Output);
            return this;
        }

        public Run Feed(IEnumerable<string> chunks)
        {
            foreach (var chunk in chunks)
            {
                Assert.True(Stream.OnChunk(Encoding.UTF8.GetBytes(chunk), Output), Stream.UpstreamError);
            }

            return this;
        }

        public List<SseItem<string>> End()
        {
            Stream.WriteEnd(Output);
            return Events;
        }

        public List<SseItem<string>> Events => ParseSse(Output.WrittenSpan);
    }

    private static string Chunk(string delta, string? finish = null) =>
        $$"""{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{{delta}},"logprobs":null,"finish_reason":{{(finish is null ? "null" : $"\"{finish}\"")}}}]}""";

    private static string UsageChunk(int prompt, int completion, int cached = 0) =>
        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[],\"usage\":{\"prompt_tokens\":" + prompt
        + ",\"completion_tokens\":" + completion + ",\"total_tokens\":" + (prompt + completion)
        + ",\"prompt_tokens_details\":{\"cached_tokens\":" + cached + "}}}";

    private static JsonElement Data(SseItem<string> item) => Json(item.Data);

    private static string Texts(IEnumerable<SseItem<string>> events, int index, string field) =>
        string.Concat(events.Where(e => e.EventType == "content_block_delta")
            .Select(Data)
            .Where(d => d.GetProperty("index").GetInt32() == index)
            .Select(d => d.GetProperty("delta").GetProperty(field).GetString()));

    /// <summary>
    /// Text deltas are copied as the upstream encoded them (no decode and re-encode): for escapes, raw UTF-8, a
    /// surrogate pair and characters a writer would escape, the event says the same text as the writer's event, and
    /// its bytes are the writer's wherever the upstream used no escape. A chunk that is not text (a lone surrogate)
    /// still goes through the writer.
    /// </summary>
    [Theory]
    [InlineData("plain words", true)]
    [InlineData("line\\nbreak and \\\"quotes\\\" and a tab\\t", false)]
    [InlineData("caf\\u00e9 and \\ud83d\\ude00", false)]
    [InlineData("raw ü é <b>&amp;</b> 'single'", true)]
    [InlineData("raw 😀 (the writer escapes characters past the BMP)", false)]
    [InlineData("slash \\/ and controls \\u0001\\b", false)]
    public void TextDelta_CopiedAsEncoded_SaysWhatTheWritersEventSays(string encoded, bool sameBytes)
    {
        var run = new Run().Start().Feed([Chunk("{\"content\":\"x\"}")]);
        var before = run.Output.WrittenCount;
        run.Feed([Chunk("{\"content\":\"" + encoded + "\"}")]);
        var copied = Encoding.UTF8.GetString(run.Output.WrittenSpan[before..]);

        var text = JsonSerializer.Deserialize<string>("\"" + encoded + "\"")!;
        // The writer's event for the same text, on the same open block (index 0).
        var blocks = new Bridge.Gateway.Protocols.Anthropic.AnthropicBlockWriter();
        blocks.StartTextOrThinking(Bridge.Gateway.Protocols.Anthropic.AnthropicBlockKind.Text, new ArrayBufferWriter<byte>());
        var written = new ArrayBufferWriter<byte>();
        blocks.Delta(written, "text_delta"u8, "text"u8, text);
        var expected = Encoding.UTF8.GetString(written.WrittenSpan);

        var events = ParseSse(Encoding.UTF8.GetBytes(copied));
        Assert.Equal("content_block_delta", Assert.Single(events).EventType);
        Assert.Equal(text, Data(events[0]).GetProperty("delta").GetProperty("text").GetString());
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(ParseSse(written.WrittenSpan).Single().Data),
            System.Text.Json.Nodes.JsonNode.Parse(events[0].Data)), copied);
        if (sameBytes) Assert.Equal(expected, copied);
    }

    [Fact]
    public void ChunkThatIsNotText_LoneSurrogatesAndBrokenUtf8_BecomeReplacementCharacters_InsteadOfFailingTheStream()
    {
        var run = new Run().Start().Feed([Chunk("{\"content\":\"x\"}")]);
        var before = run.Output.WrittenCount;
        var chunk = Encoding.UTF8.GetBytes(Chunk("{\"content\":\"half \\ud800 pair, \\ud83d\\ude00 whole, \\n escaped, BROKEN\"}"));
        var broken = chunk.AsSpan().IndexOf("BROKEN"u8);
        chunk[broken] = 0xC3; // a lead byte without its continuation
        Assert.True(run.Stream.OnChunk(chunk, run.Output), run.Stream.UpstreamError);

        var written = run.Output.WrittenSpan[before..];
        Assert.Equal("half \uFFFD pair, 😀 whole, \n escaped, \uFFFDROKEN", Texts(ParseSse(written), 0, "text"));
        Assert.DoesNotContain("\\ud800", Encoding.UTF8.GetString(written), StringComparison.OrdinalIgnoreCase); // not passed on as it came
    }

    [Fact]
    public void Stream_RecordedTextAnswer_EmitsOneTextBlock()
    {
        var run = new Run(estimate: 200).Start().Feed(OpenAIChunks(Fixtures.ResponseBody("sdk-openai", 2)));
        var events = run.End();

        string[] expected =
        [
            "message_start", "ping", "start:0:text",
            .. Enumerable.Repeat("delta:0:text_delta", 8),
            "stop:0", "message_delta", "message_stop",
        ];
        Assert.Equal(expected, events.Select(Describe));
        Assert.Equal("The tool said: {\"city\":\"Paris\",\"temp_c\":18}", Texts(events, 0, "text"));

        var start = Data(events[0]).GetProperty("message");
        Assert.Matches("^msg_[0-9A-Za-z]{24}$", start.GetProperty("id").GetString());
        Assert.Equal(Model, start.GetProperty("model").GetString());
        Assert.Equal(0, start.GetProperty("content").GetArrayLength());
        Assert.Equal(200, start.GetProperty("usage").GetProperty("input_tokens").GetInt32());

        var delta = Data(events[^2]);
        Assert.Equal("end_turn", delta.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(JsonValueKind.Null, delta.GetProperty("delta").GetProperty("stop_sequence").ValueKind);
        var expectedUsage = Json("""{"input_tokens":212,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":9}""");
        Assert.True(JsonElement.DeepEquals(expectedUsage, delta.GetProperty("usage")), delta.GetProperty("usage").GetRawText());
        Assert.Equal((212, 9), (run.Stream.InputTokens, run.Stream.OutputTokens));
        Assert.True(run.Stream.HasContent);
        Assert.Equal("stop", run.Stream.FinishReason);
    }

    [Fact]
    public void Stream_RecordedToolCall_EmitsToolUseBlockWithArgumentFragments_ThenUsage()
    {
        var run = new Run().Start().Feed(OpenAIChunks(Fixtures.ResponseBody("sdk-openai", 1)));
        var events = run.End();

        string[] expected =
        [
            "message_start", "ping", "start:0:tool_use",
            .. Enumerable.Repeat("delta:0:input_json_delta", 6),
            "stop:0", "message_delta", "message_stop",
        ];
        Assert.Equal(expected, events.Select(Describe));
        var block = Data(events[2]).GetProperty("content_block");
        Assert.True(JsonElement.DeepEquals(
            Json("""{"type":"tool_use","id":"toolu_bridge_call_K6FBD04InTGTtS3cnuSyCRSv","name":"get_weather","input":{}}"""), block));
        Assert.True(JsonElement.DeepEquals(Json("""{"city":"Paris","unit":"celsius"}"""), Json(Texts(events, 0, "partial_json"))));

        // The usage-only chunk (choices: []) after the finish chunk lands in message_delta.
        var delta = Data(events[^2]);
        Assert.Equal("tool_use", delta.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(152, delta.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(9, delta.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public void Stream_ReasoningThenText_EmitsThinkingBlockThenTextBlock()
    {
        var events = new Run().Start().Feed([
            Chunk("""{"role":"assistant","content":null,"reasoning_content":""}"""),
            Chunk("""{"reasoning_content":"The user wants"}"""),
            Chunk("""{"reasoning_content":" a greeting."}"""),
            Chunk("""{"content":"Hi"}"""),
            Chunk("""{"content":" there!"}"""),
            Chunk("{}", "stop"),
            UsageChunk(20, 7),
        ]).End();

        Assert.Equal(
            ["message_start", "ping", "start:0:thinking", "delta:0:thinking_delta", "delta:0:thinking_delta", "stop:0",
             "start:1:text", "delta:1:text_delta", "delta:1:text_delta", "stop:1", "message_delta", "message_stop"],
            events.Select(Describe));
        Assert.True(JsonElement.DeepEquals(Json("""{"type":"thinking","thinking":"","signature":""}"""), Data(events[2]).GetProperty("content_block")));
        Assert.Equal("The user wants a greeting.", Texts(events, 0, "thinking"));
        Assert.Equal("Hi there!", Texts(events, 1, "text"));
    }

    [Fact]
    public void Stream_ThreeParallelToolCallsInterleaved_RouteEachFragmentToItsBlock()
    {
        var names = new ToolNameMap();
        var longName = "mcp__files__" + new string('r', 60);
        var mapped = names.ToUpstream(longName);
        var run = new Run(names).Start().Feed([
            Chunk("""{"role":"assistant","content":"Looking up three things."}"""),
            Chunk("""{"tool_calls":[{"index":0,"id":"call_A","type":"function","function":{"name":"get_weather","arguments":""}}]}"""),
            Chunk("""{"tool_calls":[{"index":1,"id":"call_B","type":"function","function":{"name":"get_time","arguments":"{\"tz\":"}}]}"""),
            Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}"""),
            Chunk($$$"""{"tool_calls":[{"index":2,"id":"call_C","type":"function","function":{"name":"{{{mapped}}}","arguments":""}}]}"""),
            Chunk("""{"tool_calls":[{"index":1,"function":{"arguments":"\"UTC\"}"}},{"index":2,"function":{"arguments":"{\"path\":\"/a\"}"}}]}"""),
            Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}"""),
            Chunk("{}", "tool_calls"),
            UsageChunk(300, 40, cached: 256),
        ]);
        var events = run.End();

        Assert.Equal(
            ["message_start", "ping",
             "start:0:text", "delta:0:text_delta", "stop:0",
             "start:1:tool_use",
             "start:2:tool_use", "delta:2:input_json_delta",
             "delta:1:input_json_delta",
             "start:3:tool_use",
             "delta:2:input_json_delta", "delta:3:input_json_delta",
             "delta:1:input_json_delta",
             "stop:1", "stop:2", "stop:3",
             "message_delta", "message_stop"],
            events.Select(Describe));

        Assert.Equal("toolu_bridge_call_A", Data(events[5]).GetProperty("content_block").GetProperty("id").GetString());
        Assert.Equal("get_time", Data(events[6]).GetProperty("content_block").GetProperty("name").GetString());
        Assert.Equal(longName, Data(events[9]).GetProperty("content_block").GetProperty("name").GetString());
        Assert.True(JsonElement.DeepEquals(Json("""{"city":"Paris"}"""), Json(Texts(events, 1, "partial_json"))));
        Assert.True(JsonElement.DeepEquals(Json("""{"tz":"UTC"}"""), Json(Texts(events, 2, "partial_json"))));
        Assert.True(JsonElement.DeepEquals(Json("""{"path":"/a"}"""), Json(Texts(events, 3, "partial_json"))));

        var usage = Data(events[^2]).GetProperty("usage");
        Assert.Equal(44, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(256, usage.GetProperty("cache_read_input_tokens").GetInt32());
        Assert.Equal(40, usage.GetProperty("output_tokens").GetInt32());
        Assert.Equal(256, run.Stream.CachedTokens);
    }

    [Theory]
    [InlineData("length", "max_tokens")]
    [InlineData("content_filter", "refusal")]
    [InlineData("stop", "end_turn")]
    public void Stream_FinishReason_MapsToStopReason(string finishReason, string stopReason)
    {
        var run = new Run().Start().Feed([Chunk("""{"content":"Some text"}"""), Chunk("{}", finishReason)]);
        var events = run.End();
        Assert.Equal(["message_start", "ping", "start:0:text", "delta:0:text_delta", "stop:0", "message_delta", "message_stop"], events.Select(Describe));
        Assert.Equal(stopReason, Data(events[^2]).GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(stopReason, run.Stream.StopReason);
    }

    [Fact]
    public void Stream_WithoutUsageChunk_ReportsEstimatedInputTokens()
    {
        var run = new Run(estimate: 1234).Start().Feed([Chunk("""{"content":"x"}"""), Chunk("{}", "stop")]);
        var usage = Data(run.End()[^2]).GetProperty("usage");
        Assert.Equal(1234, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("output_tokens").GetInt32());
        Assert.False(run.Stream.UsageReported);
    }

    [Fact]
    public void Stream_UpstreamDiesMidStream_EndsWithErrorEventAndNoMessageStop()
    {
        var run = new Run().Start().Feed([
            Chunk("""{"role":"assistant","content":"Half an"}"""),
            Chunk("""{"content":" answer"}"""),
        ]);
        run.Stream.WriteError("api_error", "upstream connection reset", run.Output);
        run.Stream.WriteEnd(run.Output); // ignored after an error
        var events = run.Events;

        Assert.Equal(["message_start", "ping", "start:0:text", "delta:0:text_delta", "delta:0:text_delta", "error"], events.Select(Describe));
        var error = Data(events[^1]);
        Assert.True(JsonElement.DeepEquals(Json("""{"type":"error","error":{"type":"api_error","message":"upstream connection reset"}}"""), error));
        Assert.True(run.Stream.Completed);
    }

    [Fact]
    public void Stream_InStreamErrorChunk_ReturnsFalseWithMessage()
    {
        var run = new Run().Start();
        var ok = run.Stream.OnChunk("""{"error":{"message":"The server had an error","type":"server_error"}}"""u8, run.Output);
        Assert.False(ok);
        Assert.Equal("The server had an error", run.Stream.UpstreamError);
        Assert.False(run.Stream.OnChunk("not json"u8, run.Output));
        Assert.Equal(["message_start", "ping"], run.Events.Select(Describe));
    }

    [Fact]
    public void Stream_DoneMarkerPassedAsChunk_IsIgnored()
    {
        var run = new Run().Start().Feed([Chunk("""{"content":"a"}""")]);
        Assert.True(run.Stream.OnChunk("[DONE]"u8, run.Output));
        Assert.Equal(["message_start", "ping", "start:0:text", "delta:0:text_delta"], run.Events.Select(Describe));
    }

    [Fact]
    public void Stream_OnChunkBeforeStart_StartsTheMessage_AndPingIsAFrame()
    {
        var run = new Run();
        run.Feed([Chunk("""{"content":"a"}""")]);
        run.Stream.WritePing(run.Output);
        Assert.Equal(["message_start", "ping", "start:0:text", "delta:0:text_delta", "ping"], run.Events.Select(Describe));
        Assert.True(run.Stream.Started);
    }

    [Fact]
    public void Stream_Frames_AreExactlyEventLineDataLineBlankLine()
    {
        var run = new Run();
        run.Stream.WritePing(run.Output);
        Assert.Equal("event: ping\ndata: {\"type\":\"ping\"}\n\n", Encoding.UTF8.GetString(run.Output.WrittenSpan));
    }

    [Fact]
    public void Stream_TextAfterToolCall_ClosesToolBlockFirst()
    {
        var events = new Run().Start().Feed([
            Chunk("""{"tool_calls":[{"index":0,"id":"call_A","type":"function","function":{"name":"f","arguments":"{}"}}]}"""),
            Chunk("""{"content":"done"}"""),
            Chunk("{}", "tool_calls"),
        ]).End();
        Assert.Equal(
            ["message_start", "ping", "start:0:tool_use", "delta:0:input_json_delta", "stop:0", "start:1:text", "delta:1:text_delta", "stop:1", "message_delta", "message_stop"],
            events.Select(Describe));
    }

    [Fact]
    public void Stream_EmptyAnswer_StillEndsCleanly()
    {
        var run = new Run().Start().Feed([Chunk("""{"role":"assistant","content":""}"""), Chunk("{}", "stop")]);
        Assert.Equal(["message_start", "ping", "message_delta", "message_stop"], run.End().Select(Describe));
        Assert.False(run.Stream.HasContent);
    }
}
