using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Translation.ResponsesToChat;
using Bridge.Gateway.Translation.ResponsesToMessages;
using Bridge.Tests.Infrastructure;
using static Bridge.Tests.Translation.TranslationTestHelpers;

namespace Bridge.Tests.Translation.ResponsesToMessages;

/// <summary>Non-streaming Anthropic messages (recorded and crafted) -> Responses response objects.</summary>
public class MessagesToResponsesResponseTests
{
    private static readonly IReadOnlySet<string> ApplyPatch = new HashSet<string> { "apply_patch" };

    private static (ResponsesResponseTranslation Result, JsonElement Response) Translate(string anthropic)
    {
        var output = new ArrayBufferWriter<byte>();
        var result = MessagesToResponsesResponse.Translate(Json(anthropic), "gpt-5.5", ApplyPatch, output);
        return (result, result.Ok ? Json(System.Text.Encoding.UTF8.GetString(output.WrittenSpan)) : default);
    }

    [Fact]
    public void Recorded_text_answer_becomes_one_message_item_with_usage()
    {
        var (result, response) = Translate(Fixtures.ResponseBody("sdk-anthropic", 3));

        Assert.True(result.Ok);
        Assert.Equal("completed", result.Status);
        Assert.StartsWith("resp_", response.GetProperty("id").GetString());
        Assert.Equal("response", response.GetProperty("object").GetString());
        Assert.Equal("gpt-5.5", response.GetProperty("model").GetString());
        var output = response.GetProperty("output");
        Assert.Equal(1, output.GetArrayLength());
        Assert.Equal("message", output[0].GetProperty("type").GetString());
        Assert.Equal("assistant", output[0].GetProperty("role").GetString());
        Assert.Equal("Hi! How can I help you today?", output[0].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(
            """{"input_tokens":40,"input_tokens_details":{"cached_tokens":0},"output_tokens":12,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":52}""",
            response.GetProperty("usage").GetRawText());
    }

    [Fact]
    public void Thinking_text_and_tool_uses_become_reasoning_message_and_call_items_in_order()
    {
        var (result, response) = Translate("""
            {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","stop_reason":"tool_use",
             "content":[
               {"type":"thinking","thinking":"Plan it.","signature":"SIG=="},
               {"type":"redacted_thinking","data":"RED"},
               {"type":"text","text":"Running "},{"type":"text","text":"it."},
               {"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{"query":"q"}},
               {"type":"tool_use","id":"toolu_1","name":"exec_command","input":{"cmd":"ls"}},
               {"type":"tool_use","id":"toolu_2","name":"apply_patch","input":{"input":"*** Begin Patch\n*** End Patch\n"}}],
             "usage":{"input_tokens":10,"cache_read_input_tokens":100,"cache_creation_input_tokens":5,"output_tokens":7}}
            """);

        Assert.Equal("completed", result.Status);
        var output = response.GetProperty("output").EnumerateArray().ToList();
        Assert.Equal(["reasoning", "reasoning", "message", "function_call", "custom_tool_call"], output.Select(o => o.GetProperty("type").GetString()));
        Assert.Equal("Plan it.", output[0].GetProperty("summary")[0].GetProperty("text").GetString());
        Assert.Equal(AnthropicThinkingItem.ThinkingPrefix + "SIG==", output[0].GetProperty("encrypted_content").GetString());
        Assert.Equal(0, output[1].GetProperty("summary").GetArrayLength());
        Assert.Equal(AnthropicThinkingItem.RedactedPrefix + "RED", output[1].GetProperty("encrypted_content").GetString());
        Assert.Equal("Running it.", output[2].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(("toolu_1", "exec_command", """{"cmd":"ls"}"""),
            (output[3].GetProperty("call_id").GetString(), output[3].GetProperty("name").GetString(), output[3].GetProperty("arguments").GetString()));
        Assert.Equal(("toolu_2", "apply_patch", "*** Begin Patch\n*** End Patch\n"),
            (output[4].GetProperty("call_id").GetString(), output[4].GetProperty("name").GetString(), output[4].GetProperty("input").GetString()));

        // input_tokens counts cache reads and writes; cached_tokens the reads.
        var usage = response.GetProperty("usage");
        Assert.Equal(115, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(100, usage.GetProperty("input_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(7, usage.GetProperty("output_tokens").GetInt32());
        Assert.Equal(122, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public void Max_tokens_stop_is_an_incomplete_response_and_errors_are_not_ok()
    {
        var (result, response) = Translate("""
            {"type":"message","role":"assistant","stop_reason":"max_tokens","content":[{"type":"text","text":"Cut"}],"usage":{"input_tokens":1,"output_tokens":2}}
            """);
        Assert.Equal("incomplete", result.Status);
        Assert.Equal("incomplete", response.GetProperty("status").GetString());
        Assert.Equal("max_output_tokens", response.GetProperty("incomplete_details").GetProperty("reason").GetString());
        Assert.Equal("incomplete", response.GetProperty("output")[0].GetProperty("status").GetString());

        var (error, _) = Translate("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""");
        Assert.False(error.Ok);
        Assert.Equal("Overloaded", error.ErrorMessage);
    }
}
