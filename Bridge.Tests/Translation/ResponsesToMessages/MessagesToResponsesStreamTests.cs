using System.Buffers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using Bridge.Gateway.Translation.ResponsesToMessages;
using Bridge.Tests.Infrastructure;
using static Bridge.Tests.Translation.TranslationTestHelpers;

namespace Bridge.Tests.Translation.ResponsesToMessages;

/// <summary>Anthropic SSE (recorded and crafted) -> Responses stream events, compared event by event.</summary>
public class MessagesToResponsesStreamTests
{
    private static readonly IReadOnlySet<string> ApplyPatch = new HashSet<string> { "apply_patch" };

    internal sealed class Run
    {
        public MessagesToResponsesStream Stream { get; } = new("gpt-5.5", ApplyPatch);

        public ArrayBufferWriter<byte> Output { get; } = new();

        /// <summary>Feeds every event; returns the result of the last OnEvent.</summary>
        public bool Feed(string anthropicSse)
        {
            using var source = new MemoryStream(Encoding.UTF8.GetBytes(anthropicSse));
            foreach (var item in SseParser.Create(source).Enumerate())
            {
                if (!Stream.OnEvent(item.EventType, Encoding.UTF8.GetBytes(item.Data), Output))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The events written: each frame's event: line must equal its data's type.</summary>
        public List<JsonElement> Events()
        {
            var items = ParseSse(Output.WrittenSpan);
            var events = items.Select(i => Json(i.Data)).ToList();
            Assert.Equal(items.Select(i => i.EventType), events.Select(e => e.GetProperty("type").GetString()));
            Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.GetProperty("sequence_number").GetInt32()));
            return events;
        }
    }

    internal static string Event(string type, string data) => $"event: {type}\ndata: {data}\n\n";

    private static string Describe(JsonElement e)
    {
        var type = e.GetProperty("type").GetString()!["response.".Length..];
        return e.TryGetProperty("delta", out var delta) ? $"{type}={delta.GetString()}"
            : e.TryGetProperty("item", out var item) ? $"{type}:{item.GetProperty("type").GetString()}"
            : type;
    }

    [Fact]
    public void Recorded_text_then_tool_use_streams_a_message_then_a_function_call()
    {
        var run = new Run();
        Assert.True(run.Feed(Fixtures.ResponseBody("sdk-anthropic", 1)));

        var events = run.Events();
        Assert.Equal(
            [
                "created", "in_progress",
                "output_item.added:message", "content_part.added",
                "output_text.delta=Let me c", "output_text.delta=heck tha", "output_text.delta=t.",
                "output_text.done", "content_part.done", "output_item.done:message",
                "output_item.added:function_call",
                "function_call_arguments.delta={\"city\":\"P", "function_call_arguments.delta=aris\",\"uni",
                "function_call_arguments.delta=t\":\"celsiu", "function_call_arguments.delta=s\"}",
                "function_call_arguments.done", "output_item.done:function_call",
                "completed",
            ],
            events.Select(Describe));

        var message = events[2].GetProperty("item");
        Assert.All(events.Skip(3).Take(6), e => Assert.Equal(message.GetProperty("id").GetString(), e.GetProperty("item_id").GetString()));
        Assert.All(events.Skip(3).Take(6), e => Assert.Equal(0, e.GetProperty("output_index").GetInt32()));
        var call = events[16].GetProperty("item");
        Assert.Equal(1, events[16].GetProperty("output_index").GetInt32());
        Assert.Equal("toolu_011icRvzojMe02kPg3Z63treYZ", call.GetProperty("call_id").GetString());
        Assert.Equal("get_weather", call.GetProperty("name").GetString());
        Assert.Equal("""{"city":"Paris","unit":"celsius"}""", call.GetProperty("arguments").GetString());
        Assert.Equal("completed", call.GetProperty("status").GetString());

        var completed = events[^1].GetProperty("response");
        Assert.Equal(run.Stream.ResponseId, completed.GetProperty("id").GetString());
        Assert.Equal("completed", completed.GetProperty("status").GetString());
        Assert.Equal(2, completed.GetProperty("output").GetArrayLength());
        Assert.Equal(156, completed.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(12, completed.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.True(run.Stream.Completed);
        Assert.Equal("tool_use", run.Stream.StopReason);
    }

    [Fact]
    public void Recorded_thinking_streams_a_reasoning_summary_whose_done_item_carries_the_signature()
    {
        var recorded = Fixtures.ResponseBody("sdk-anthropic", 5);
        var signature = string.Concat(ParseSse(Encoding.UTF8.GetBytes(recorded))
            .Where(e => e.EventType == "content_block_delta")
            .Select(e => Json(e.Data).GetProperty("delta"))
            .Where(d => d.GetProperty("type").GetString() == "signature_delta")
            .Select(d => d.GetProperty("signature").GetString()));
        var run = new Run();
        Assert.True(run.Feed(recorded));

        var events = run.Events();
        Assert.Equal(
            [
                "created", "in_progress",
                "output_item.added:reasoning", "reasoning_summary_part.added",
                "reasoning_summary_text.delta=The user wants a", "reasoning_summary_text.delta= short greeting.",
                "reasoning_summary_text.delta= I will answer b", "reasoning_summary_text.delta=riefly.",
                "reasoning_summary_text.done", "reasoning_summary_part.done", "output_item.done:reasoning",
                "output_item.added:message", "content_part.added",
                "output_text.delta=Hi! How ", "output_text.delta=can I he", "output_text.delta=lp you t", "output_text.delta=oday?",
                "output_text.done", "content_part.done", "output_item.done:message",
                "completed",
            ],
            events.Select(Describe));
        Assert.All(events.Skip(3).Take(7), e => Assert.Equal(0, e.GetProperty("summary_index").GetInt32()));

        var reasoning = events[10].GetProperty("item");
        Assert.Equal("The user wants a short greeting. I will answer briefly.", reasoning.GetProperty("summary")[0].GetProperty("text").GetString());
        Assert.Equal(AnthropicThinkingItem.ThinkingPrefix + signature, reasoning.GetProperty("encrypted_content").GetString());
        Assert.False(events[2].GetProperty("item").TryGetProperty("encrypted_content", out _));
        Assert.Equal(
            reasoning.GetRawText(),
            events[^1].GetProperty("response").GetProperty("output")[0].GetRawText());
    }

    [Fact]
    public void Free_form_tool_input_is_held_and_sent_as_one_custom_tool_call_input_delta()
    {
        var run = new Run();
        Assert.True(run.Feed(
            Event("message_start", """{"type":"message_start","message":{"usage":{"input_tokens":5,"cache_read_input_tokens":50,"output_tokens":1}}}""")
            + Event("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_p","name":"apply_patch","input":{}}}""")
            + Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"input\":\"*** Begin"}}""")
            + Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":" Patch\\n\"}"}}""")
            + Event("content_block_stop", """{"type":"content_block_stop","index":0}""")
            + Event("content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_q","name":"get_goal","input":{}}}""")
            + Event("content_block_stop", """{"type":"content_block_stop","index":1}""")
            + Event("message_delta", """{"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":9}}""")
            + Event("message_stop", """{"type":"message_stop"}""")));

        var events = run.Events();
        Assert.Equal(
            [
                "created", "in_progress",
                "output_item.added:custom_tool_call", "custom_tool_call_input.delta=*** Begin Patch\n", "custom_tool_call_input.done", "output_item.done:custom_tool_call",
                "output_item.added:function_call", "function_call_arguments.done", "output_item.done:function_call",
                "incomplete",
            ],
            events.Select(Describe));
        Assert.Equal("*** Begin Patch\n", events[5].GetProperty("item").GetProperty("input").GetString());
        Assert.Equal("{}", events[8].GetProperty("item").GetProperty("arguments").GetString());
        var incomplete = events[^1].GetProperty("response");
        Assert.Equal("max_output_tokens", incomplete.GetProperty("incomplete_details").GetProperty("reason").GetString());
        Assert.Equal(55, incomplete.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(50, incomplete.GetProperty("usage").GetProperty("input_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(9, incomplete.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public void Upstream_error_event_returns_false_and_write_error_ends_with_response_failed()
    {
        var run = new Run();
        Assert.False(run.Feed(
            Event("message_start", """{"type":"message_start","message":{"usage":{"input_tokens":5,"output_tokens":1}}}""")
            + Event("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""")
            + Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hal"}}""")
            + Event("error", """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""")));
        Assert.Equal(("overloaded_error", "Overloaded"), (run.Stream.UpstreamErrorType, run.Stream.UpstreamError));

        run.Stream.WriteError("server_error", "Overloaded", run.Output);
        var events = run.Events();
        Assert.Equal(["output_text.delta=Hal", "error", "failed"], events.Skip(4).Select(e => e.GetProperty("type").GetString() == "error" ? "error" : Describe(e)));
        Assert.Equal("failed", events[^1].GetProperty("response").GetProperty("status").GetString());
        Assert.Equal("Overloaded", events[^1].GetProperty("response").GetProperty("error").GetProperty("message").GetString());
        Assert.True(run.Stream.Completed);
    }
}
