using System.Buffers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.ResponsesToChat;
using Bridge.Tests.Infrastructure;

namespace Bridge.Tests.Translation.ResponsesToChat;

/// <summary>Chat Completions chunks (OpenAI's documented shapes) -> Responses stream events, compared event by event.</summary>
public class ChatToResponsesStreamTests
{
    internal sealed class Run(IReadOnlySet<string>? custom = null)
    {
        public ChatToResponsesStream Stream { get; } = new("gpt-5.5", ToolNameMap.Empty, custom ?? new HashSet<string> { "apply_patch" }, createdAt: 1741569952);

        public ArrayBufferWriter<byte> Output { get; } = new();

        public Run Feed(params string[] chunks)
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

        public List<SseItem<string>> Events => TranslationTestHelpers.ParseSse(Output.WrittenSpan);
    }

    /// <summary>Event type, with the item type for output_item events; checks the frame and the sequence numbers.</summary>
    internal static List<string> Describe(List<SseItem<string>> events)
    {
        var list = new List<string>();
        for (var i = 0; i < events.Count; i++)
        {
            using var document = JsonDocument.Parse(events[i].Data);
            var root = document.RootElement;
            Assert.Equal(events[i].EventType, root.GetProperty("type").GetString());
            Assert.Equal(i, root.GetProperty("sequence_number").GetInt32());
            list.Add(root.TryGetProperty("item", out var item)
                ? $"{events[i].EventType}:{root.GetProperty("output_index").GetInt32()}:{item.GetProperty("type").GetString()}"
                : events[i].EventType);
        }

        return list;
    }

    internal static JsonElement Data(SseItem<string> item) => TranslationTestHelpers.Json(item.Data);

    private static string ToolCallChunk(int index, string? id, string? name, string arguments) =>
        OpenAIResponses.Chunk(
            "{\"tool_calls\":[{\"index\":" + index
            + (id is null ? "" : ",\"id\":\"" + id + "\",\"type\":\"function\"")
            + ",\"function\":{" + (name is null ? "" : "\"name\":\"" + name + "\",") + "\"arguments\":" + JsonSerializer.Serialize(arguments) + "}}]}");

    [Fact]
    public void Text_stream_writes_the_full_message_event_sequence_and_completes_with_usage()
    {
        var run = new Run().Feed(
            OpenAIResponses.Chunk("""{"role":"assistant","content":"","refusal":null}"""),
            OpenAIResponses.Chunk("""{"content":"Hel"}"""),
            OpenAIResponses.Chunk("""{"content":"lo"}"""),
            OpenAIResponses.Chunk("{}", "stop"),
            OpenAIResponses.UsageChunk(20, 7, cachedTokens: 16));
        var events = run.End();

        Assert.Equal(
            [
                "response.created", "response.in_progress",
                "response.output_item.added:0:message", "response.content_part.added",
                "response.output_text.delta", "response.output_text.delta", "response.output_text.done",
                "response.content_part.done", "response.output_item.done:0:message", "response.completed",
            ],
            Describe(events));

        var created = Data(events[0]).GetProperty("response");
        Assert.Equal(run.Stream.ResponseId, created.GetProperty("id").GetString());
        Assert.Equal("in_progress", created.GetProperty("status").GetString());
        Assert.Equal("gpt-5.5", created.GetProperty("model").GetString());
        Assert.Equal("[]", created.GetProperty("output").GetRawText());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("usage").ValueKind);

        var added = Data(events[2]).GetProperty("item");
        var itemId = added.GetProperty("id").GetString();
        Assert.Equal("in_progress", added.GetProperty("status").GetString());
        Assert.Equal("[]", added.GetProperty("content").GetRawText());
        Assert.Equal(
            $$$$"""{"type":"response.content_part.added","sequence_number":3,"item_id":"{{{{itemId}}}}","output_index":0,"content_index":0,"part":{"type":"output_text","text":"","annotations":[],"logprobs":[]}}""",
            events[3].Data);
        Assert.Equal(
            $$$$"""{"type":"response.output_text.delta","sequence_number":4,"item_id":"{{{{itemId}}}}","output_index":0,"content_index":0,"delta":"Hel","logprobs":[]}""",
            events[4].Data);
        Assert.Equal(
            $$$$"""{"type":"response.output_text.done","sequence_number":6,"item_id":"{{{{itemId}}}}","output_index":0,"content_index":0,"text":"Hello","logprobs":[]}""",
            events[6].Data);
        Assert.Equal("Hello", Data(events[7]).GetProperty("part").GetProperty("text").GetString());
        var done = Data(events[8]).GetProperty("item");
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal("Hello", done.GetProperty("content")[0].GetProperty("text").GetString());

        var completed = Data(events[9]).GetProperty("response");
        Assert.Equal("completed", completed.GetProperty("status").GetString());
        Assert.Equal(run.Stream.ResponseId, completed.GetProperty("id").GetString());
        Assert.Equal(done.GetRawText(), Assert.Single(completed.GetProperty("output").EnumerateArray()).GetRawText());
        Assert.Equal(
            """{"input_tokens":20,"input_tokens_details":{"cached_tokens":16},"output_tokens":7,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":27}""",
            completed.GetProperty("usage").GetRawText());
        Assert.Equal("completed", run.Stream.Status);
        Assert.True(run.Stream.Completed);
    }

    [Fact]
    public void Text_then_a_tool_call_closes_the_message_and_streams_the_arguments()
    {
        var run = new Run().Feed(
            OpenAIResponses.Chunk("""{"role":"assistant","content":"Checking."}"""),
            ToolCallChunk(0, "call_DdmO9pD3xa9XTPNJ32zg2hcA", "get_weather", ""),
            ToolCallChunk(0, null, null, "{\""),
            ToolCallChunk(0, null, null, "location\":\"Paris\"}"),
            OpenAIResponses.Chunk("{}", "tool_calls"),
            OpenAIResponses.UsageChunk(50, 12));
        var events = run.End();

        Assert.Equal(
            [
                "response.created", "response.in_progress",
                "response.output_item.added:0:message", "response.content_part.added", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done:0:message",
                "response.output_item.added:1:function_call",
                "response.function_call_arguments.delta", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done:1:function_call",
                "response.completed",
            ],
            Describe(events));

        var added = Data(events[8]).GetProperty("item");
        var itemId = added.GetProperty("id").GetString()!;
        Assert.StartsWith("fc_", itemId);
        Assert.Equal(
            $$$$"""{"id":"{{{{itemId}}}}","type":"function_call","status":"in_progress","arguments":"","call_id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","name":"get_weather"}""",
            added.GetRawText());
        Assert.Equal(
            $$$$"""{"type":"response.function_call_arguments.delta","sequence_number":9,"item_id":"{{{{itemId}}}}","output_index":1,"delta":"{\""}""",
            events[9].Data);
        Assert.Equal(
            $$$$"""{"type":"response.function_call_arguments.done","sequence_number":11,"item_id":"{{{{itemId}}}}","output_index":1,"name":"get_weather","arguments":"{\"location\":\"Paris\"}"}""",
            events[11].Data);
        Assert.Equal(
            $$$$"""{"id":"{{{{itemId}}}}","type":"function_call","status":"completed","arguments":"{\"location\":\"Paris\"}","call_id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","name":"get_weather"}""",
            Data(events[12]).GetProperty("item").GetRawText());

        var output = Data(events[13]).GetProperty("response").GetProperty("output").EnumerateArray().ToList();
        Assert.Equal(["message", "function_call"], output.Select(o => o.GetProperty("type").GetString()));
        Assert.Equal(Data(events[12]).GetProperty("item").GetRawText(), output[1].GetRawText());
    }

    [Fact]
    public void Interleaved_parallel_calls_each_get_their_own_item_and_fragments_before_the_name_are_held()
    {
        var events = new Run().Feed(
            ToolCallChunk(0, "call_a", "ls", "{\"path\":"),
            ToolCallChunk(1, "call_b", null, "{\"cmd\":"),
            ToolCallChunk(1, null, "exec_command", "\"pwd\"}"),
            ToolCallChunk(0, null, null, "\".\"}"),
            OpenAIResponses.Chunk("{}", "tool_calls")).End();

        Assert.Equal(
            [
                "response.created", "response.in_progress",
                "response.output_item.added:0:function_call", "response.function_call_arguments.delta",
                "response.output_item.added:1:function_call", "response.function_call_arguments.delta",
                "response.function_call_arguments.delta", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done:0:function_call",
                "response.function_call_arguments.done", "response.output_item.done:1:function_call",
                "response.completed",
            ],
            Describe(events));
        Assert.Equal("{\"cmd\":", Data(events[5]).GetProperty("delta").GetString());
        Assert.Equal(1, Data(events[5]).GetProperty("output_index").GetInt32());
        Assert.Equal("{\"path\":\".\"}", Data(events[8]).GetProperty("arguments").GetString());
        Assert.Equal("{\"cmd\":\"pwd\"}", Data(events[10]).GetProperty("arguments").GetString());
    }

    [Fact]
    public void Call_to_a_custom_tool_streams_as_a_custom_tool_call_with_the_decoded_input()
    {
        const string patch = "*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch\n";
        var arguments = JsonSerializer.Serialize(new { input = patch });
        var events = new Run().Feed(
            ToolCallChunk(0, "call_p", "apply_patch", ""),
            ToolCallChunk(0, null, null, arguments[..10]),
            ToolCallChunk(0, null, null, arguments[10..]),
            OpenAIResponses.Chunk("{}", "tool_calls")).End();

        Assert.Equal(
            [
                "response.created", "response.in_progress",
                "response.output_item.added:0:custom_tool_call",
                "response.custom_tool_call_input.delta", "response.custom_tool_call_input.done",
                "response.output_item.done:0:custom_tool_call", "response.completed",
            ],
            Describe(events));
        var added = Data(events[2]).GetProperty("item");
        var itemId = added.GetProperty("id").GetString()!;
        Assert.StartsWith("ctc_", itemId);
        Assert.Equal($$$$"""{"id":"{{{{itemId}}}}","type":"custom_tool_call","call_id":"call_p","name":"apply_patch","input":""}""", added.GetRawText());
        Assert.Equal(patch, Data(events[3]).GetProperty("delta").GetString());
        Assert.Equal(patch, Data(events[4]).GetProperty("input").GetString());
        var done = Data(events[5]).GetProperty("item");
        Assert.Equal(["id", "type", "call_id", "name", "input"], done.EnumerateObject().Select(p => p.Name));
        Assert.Equal(itemId, done.GetProperty("id").GetString());
        Assert.Equal(patch, done.GetProperty("input").GetString());
    }

    [Fact]
    public void Reasoning_content_streams_as_a_reasoning_item_summary_before_the_message()
    {
        var events = new Run().Feed(
            OpenAIResponses.Chunk("""{"role":"assistant","content":null,"reasoning_content":"Let me "}"""),
            OpenAIResponses.Chunk("""{"reasoning_content":"think."}"""),
            OpenAIResponses.Chunk("""{"content":"Done."}"""),
            OpenAIResponses.Chunk("{}", "stop")).End();

        Assert.Equal(
            [
                "response.created", "response.in_progress",
                "response.output_item.added:0:reasoning", "response.reasoning_summary_part.added",
                "response.reasoning_summary_text.delta", "response.reasoning_summary_text.delta",
                "response.reasoning_summary_text.done", "response.reasoning_summary_part.done", "response.output_item.done:0:reasoning",
                "response.output_item.added:1:message", "response.content_part.added", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done:1:message",
                "response.completed",
            ],
            Describe(events));
        var itemId = Data(events[2]).GetProperty("item").GetProperty("id").GetString()!;
        Assert.StartsWith("rs_", itemId);
        Assert.Equal($$$$"""{"id":"{{{{itemId}}}}","type":"reasoning","summary":[]}""", Data(events[2]).GetProperty("item").GetRawText());
        Assert.Equal(
            $$$$"""{"type":"response.reasoning_summary_part.added","sequence_number":3,"item_id":"{{{{itemId}}}}","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":""}}""",
            events[3].Data);
        Assert.Equal(
            $$$$"""{"type":"response.reasoning_summary_text.delta","sequence_number":4,"item_id":"{{{{itemId}}}}","output_index":0,"summary_index":0,"delta":"Let me "}""",
            events[4].Data);
        Assert.Equal("Let me think.", Data(events[6]).GetProperty("text").GetString());
        Assert.Equal(
            $$$$"""{"id":"{{{{itemId}}}}","type":"reasoning","summary":[{"type":"summary_text","text":"Let me think."}]}""",
            Data(events[8]).GetProperty("item").GetRawText());
        var output = Data(events[^1]).GetProperty("response").GetProperty("output");
        Assert.Equal(Data(events[8]).GetProperty("item").GetRawText(), output[0].GetRawText());
        Assert.Equal("Done.", output[1].GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public void Length_finish_ends_with_response_incomplete()
    {
        var run = new Run().Feed(OpenAIResponses.Chunk("""{"content":"Part"}"""), OpenAIResponses.Chunk("{}", "length"));
        var events = run.End();

        Assert.Equal("response.incomplete", events[^1].EventType);
        var response = Data(events[^1]).GetProperty("response");
        Assert.Equal("incomplete", response.GetProperty("status").GetString());
        Assert.Equal("max_output_tokens", response.GetProperty("incomplete_details").GetProperty("reason").GetString());
        Assert.Equal("incomplete", response.GetProperty("output")[0].GetProperty("status").GetString());
        Assert.Equal("incomplete", Data(events[^2]).GetProperty("item").GetProperty("status").GetString());
        Assert.Equal("incomplete", run.Stream.Status);
    }

    [Fact]
    public void Upstream_error_mid_stream_writes_error_then_response_failed_and_nothing_after()
    {
        var run = new Run().Feed(OpenAIResponses.Chunk("""{"content":"Hi"}"""));
        Assert.False(run.Stream.OnChunk("""{"error":{"message":"The server had an error","type":"server_error","code":null}}"""u8, run.Output));
        Assert.Equal("The server had an error", run.Stream.UpstreamError);
        run.Stream.WriteError("server_error", run.Stream.UpstreamError!, run.Output);
        run.Stream.WriteEnd(run.Output);
        var events = run.Events;

        Assert.Equal(
            [
                "response.created", "response.in_progress", "response.output_item.added:0:message", "response.content_part.added",
                "response.output_text.delta", "error", "response.failed",
            ],
            Describe(events));
        Assert.Equal("""{"type":"error","sequence_number":5,"code":"server_error","message":"The server had an error","param":null}""", events[5].Data);
        var failed = Data(events[6]).GetProperty("response");
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal("""{"code":"server_error","message":"The server had an error"}""", failed.GetProperty("error").GetRawText());
        Assert.Equal("in_progress", failed.GetProperty("output")[0].GetProperty("status").GetString());
        Assert.Equal("failed", run.Stream.Status);
    }

    [Fact]
    public void Garbage_chunk_is_reported_and_writes_nothing()
    {
        var run = new Run();
        Assert.False(run.Stream.OnChunk("not json"u8, run.Output));
        Assert.Equal(0, run.Output.WrittenCount);
        Assert.True(run.Stream.OnChunk("[DONE]"u8, run.Output));
    }
}
