using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.ResponsesToChat;
using Bridge.Tests.Infrastructure;

namespace Bridge.Tests.Translation.ResponsesToChat;

/// <summary>Non-streaming chat.completion -> Responses response object.</summary>
public class ChatToResponsesResponseTests
{
    private static readonly IReadOnlySet<string> ApplyPatch = new HashSet<string> { "apply_patch" };

    internal static (ResponsesResponseTranslation Result, JsonElement Body) Run(string chatJson, IReadOnlySet<string>? custom = null, ToolNameMap? names = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var result = ChatToResponsesResponse.Translate(TranslationTestHelpers.Json(chatJson), "gpt-5.5", names ?? ToolNameMap.Empty, custom ?? ApplyPatch, buffer);
        if (!result.Ok)
        {
            return (result, default);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return (result, document.RootElement.Clone());
    }

    [Fact]
    public void Text_answer_becomes_a_completed_response_with_one_message_item_and_responses_usage()
    {
        var (result, body) = Run("""
            {"id":"chatcmpl-1","object":"chat.completion","created":1741569952,"model":"gpt-5.2-2025",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hello!","refusal":null},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":120,"completion_tokens":30,"total_tokens":150,"prompt_tokens_details":{"cached_tokens":100},"completion_tokens_details":{"reasoning_tokens":20}}}
            """);

        Assert.True(result.Ok);
        Assert.Equal("completed", result.Status);
        Assert.Equal(new ChatCompletionUsage(120, 30, 100, 20, 150), result.Usage);
        Assert.StartsWith("resp_", body.GetProperty("id").GetString());
        Assert.Equal("response", body.GetProperty("object").GetString());
        Assert.Equal(1741569952, body.GetProperty("created_at").GetInt64());
        Assert.Equal("completed", body.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("error").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("incomplete_details").ValueKind);
        Assert.Equal("gpt-5.5", body.GetProperty("model").GetString());

        var item = Assert.Single(body.GetProperty("output").EnumerateArray());
        Assert.StartsWith("msg_", item.GetProperty("id").GetString());
        Assert.Equal("message", item.GetProperty("type").GetString());
        Assert.Equal("completed", item.GetProperty("status").GetString());
        Assert.Equal("assistant", item.GetProperty("role").GetString());
        Assert.Equal("""[{"type":"output_text","text":"Hello!","annotations":[],"logprobs":[]}]""", item.GetProperty("content").GetRawText());
        Assert.Equal(
            """{"input_tokens":120,"input_tokens_details":{"cached_tokens":100},"output_tokens":30,"output_tokens_details":{"reasoning_tokens":20},"total_tokens":150}""",
            body.GetProperty("usage").GetRawText());
    }

    [Fact]
    public void Tool_calls_become_function_call_items_and_calls_to_custom_tools_custom_tool_call_items()
    {
        var names = new ToolNameMap();
        var upstreamName = names.ToUpstream("mcp.server/read file");
        var (_, body) = Run($$$"""
            {"id":"chatcmpl-2","object":"chat.completion","created":1,"model":"gpt-5.2",
             "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
               {"id":"call_abc","type":"function","function":{"name":"{{{upstreamName}}}","arguments":"{\"path\":\"a.txt\"}"}},
               {"id":"call_def","type":"function","function":{"name":"apply_patch","arguments":"{\"input\":\"*** Begin Patch\\n*** End Patch\\n\"}"}}
             ]},"finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}
            """, names: names);

        var output = body.GetProperty("output").EnumerateArray().ToList();
        Assert.Equal(2, output.Count);
        Assert.StartsWith("fc_", output[0].GetProperty("id").GetString());
        Assert.Equal("function_call", output[0].GetProperty("type").GetString());
        Assert.Equal("completed", output[0].GetProperty("status").GetString());
        Assert.Equal("call_abc", output[0].GetProperty("call_id").GetString());
        Assert.Equal("mcp.server/read file", output[0].GetProperty("name").GetString());
        Assert.Equal("{\"path\":\"a.txt\"}", output[0].GetProperty("arguments").GetString());

        Assert.StartsWith("ctc_", output[1].GetProperty("id").GetString());
        Assert.Equal("custom_tool_call", output[1].GetProperty("type").GetString());
        Assert.Equal("call_def", output[1].GetProperty("call_id").GetString());
        Assert.Equal("apply_patch", output[1].GetProperty("name").GetString());
        Assert.Equal("*** Begin Patch\n*** End Patch\n", output[1].GetProperty("input").GetString());
        Assert.Equal("completed", body.GetProperty("status").GetString());
    }

    [Fact]
    public void Reasoning_content_becomes_a_reasoning_item_with_a_summary_first()
    {
        var (_, body) = Run("""
            {"id":"chatcmpl-3","object":"chat.completion","created":1,"model":"deepseek-reasoner",
             "choices":[{"index":0,"message":{"role":"assistant","content":"42","reasoning_content":"6 times 7."},"finish_reason":"stop"}]}
            """);

        var output = body.GetProperty("output").EnumerateArray().ToList();
        Assert.Equal(["reasoning", "message"], output.Select(o => o.GetProperty("type").GetString()));
        Assert.StartsWith("rs_", output[0].GetProperty("id").GetString());
        Assert.Equal("""[{"type":"summary_text","text":"6 times 7."}]""", output[0].GetProperty("summary").GetRawText());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("usage").ValueKind);
    }

    [Fact]
    public void Length_finish_is_an_incomplete_response_for_max_output_tokens()
    {
        var (result, body) = Run(OpenAIResponses.TextCompletion("Partial", finishReason: "length"));

        Assert.Equal("incomplete", result.Status);
        Assert.Equal("incomplete", body.GetProperty("status").GetString());
        Assert.Equal("max_output_tokens", body.GetProperty("incomplete_details").GetProperty("reason").GetString());
        Assert.Equal("incomplete", body.GetProperty("output")[0].GetProperty("status").GetString());
    }

    [Fact]
    public void Error_envelope_in_a_200_is_not_a_response()
    {
        var (result, _) = Run("""{"error":{"message":"Rate limit reached","type":"rate_limit_error","code":"429"}}""");

        Assert.False(result.Ok);
        Assert.Equal("Rate limit reached", result.ErrorMessage);
        Assert.Equal(429, result.ErrorStatus);
    }
}
