using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Translation.ChatToResponses;
using Bridge.Tests.Translation.AnthropicToResponses;
using static Bridge.Tests.Translation.TranslationTestHelpers;

namespace Bridge.Tests.Translation.ChatToResponses;

/// <summary>Responses response objects (OpenAI's documented example and documented item shapes) -> chat.completion.</summary>
public class ResponsesResponseToChatTests
{
    private static (ChatFromResponsesTranslation Result, JsonElement Body) Run(string response)
    {
        var output = new ArrayBufferWriter<byte>();
        var result = ResponsesResponseToChat.Translate(Json(response), "my-gpt", output);
        if (!result.Ok)
        {
            Assert.Equal(0, output.WrittenCount);
            return (result, default);
        }

        return (result, Json(System.Text.Encoding.UTF8.GetString(output.WrittenSpan)));
    }

    /// <summary>A completed response built from the documented items: reasoning, message, two function calls.</summary>
    private static string Response(string output, string status = "completed", string incomplete = "null") => $$$"""
        {"id":"resp_1","object":"response","created_at":1741476777,"status":"{{{status}}}","error":null,"incomplete_details":{{{incomplete}}},
         "model":"gpt-5.4-2026-03-05","output":{{{output}}},
         "usage":{"input_tokens":328,"input_tokens_details":{"cached_tokens":256},"output_tokens":52,"output_tokens_details":{"reasoning_tokens":20},"total_tokens":380}}
        """;

    [Fact]
    public void Vendor_response_object_becomes_a_chat_completion()
    {
        var (result, body) = Run(ResponsesVendorExamples.ResponseObject);

        Assert.True(result.Ok, result.ErrorMessage);
        Assert.StartsWith("chatcmpl-", body.GetProperty("id").GetString());
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        Assert.Equal("my-gpt", body.GetProperty("model").GetString());
        var choice = body.GetProperty("choices")[0];
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        var message = choice.GetProperty("message");
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal(ResponsesVendorExamples.ResponseObjectText, message.GetProperty("content").GetString());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("refusal").ValueKind);
        Assert.False(message.TryGetProperty("tool_calls", out _));
        Assert.False(message.TryGetProperty("reasoning_content", out _));
        Assert.True(JsonElement.DeepEquals(
            Json("""{"prompt_tokens":328,"completion_tokens":52,"total_tokens":380,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}"""),
            body.GetProperty("usage")));
        Assert.Equal((328, 52, 0, "stop"), (result.PromptTokens, result.CompletionTokens, result.CachedTokens, result.FinishReason));
    }

    [Fact]
    public void Reasoning_summary_text_and_function_calls_become_reasoning_content_content_and_tool_calls()
    {
        var (result, body) = Run(Response("""
            [{"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"**Plan**"},{"type":"summary_text","text":"Call it."}],"encrypted_content":"gAAAA=="},
             {"id":"msg_1","type":"message","role":"assistant","content":[{"type":"output_text","text":"Let me ","annotations":[]},{"type":"output_text","text":"check.","annotations":[]}]},
             {"id":"fc_1","type":"function_call","call_id":"call_12345xyz","name":"get_weather","arguments":"{\"city\":\"Paris\"}","status":"completed"},
             {"id":"fc_2","type":"function_call","call_id":"call_678","name":"get_time","arguments":"{}","status":"completed"}]
            """));

        Assert.True(result.Ok, result.ErrorMessage);
        var choice = body.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var message = choice.GetProperty("message");
        Assert.Equal("Let me check.", message.GetProperty("content").GetString());
        Assert.Equal("**Plan**\n\nCall it.", message.GetProperty("reasoning_content").GetString());
        Assert.DoesNotContain("gAAAA", body.GetRawText());
        Assert.True(JsonElement.DeepEquals(
            Json("""
                [{"id":"call_12345xyz","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
                 {"id":"call_678","type":"function","function":{"name":"get_time","arguments":"{}"}}]
                """),
            message.GetProperty("tool_calls")));
        var usage = body.GetProperty("usage");
        Assert.Equal(256, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(20, usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
        Assert.Equal((256, 20), (result.CachedTokens, result.ReasoningTokens));
    }

    [Theory]
    [InlineData("""{"reason":"max_output_tokens"}""", "length")]
    [InlineData("""{"reason":"content_filter"}""", "content_filter")]
    public void Incomplete_responses_finish_with_length_or_content_filter(string details, string expected)
    {
        var (result, body) = Run(Response(
            """[{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"output_text","text":"Partial","annotations":[]}]}]""",
            "incomplete",
            details));

        Assert.True(result.Ok, result.ErrorMessage);
        Assert.Equal(expected, body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal("Partial", body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public void A_refusal_part_fills_refusal_and_leaves_content_null()
    {
        var (_, body) = Run(Response("""[{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"refusal","refusal":"I can't help with that."}]}]"""));

        var message = body.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
        Assert.Equal("I can't help with that.", message.GetProperty("refusal").GetString());
        Assert.Equal("stop", body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public void A_failed_response_is_an_error_with_its_message()
    {
        var failed = Json(ResponsesVendorExamples.Failed).GetProperty("response").GetRawText();
        var (result, _) = Run(failed);

        Assert.False(result.Ok);
        Assert.Equal("The model failed to generate a response.", result.ErrorMessage);
    }

    [Fact]
    public void An_error_envelope_is_an_error_with_its_status()
    {
        var (result, _) = Run("""{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}""");

        Assert.False(result.Ok);
        Assert.Equal("Rate limit reached", result.ErrorMessage);
        Assert.Equal(429, result.ErrorStatus);
    }

    [Fact]
    public void Output_text_logprobs_become_choice_logprobs_content()
    {
        var (_, body) = Run(Response("""
            [{"id":"msg_1","type":"message","role":"assistant","content":[
              {"type":"output_text","text":"Hi","annotations":[],"logprobs":[{"token":"Hi","logprob":-0.01,"bytes":[72,105],"top_logprobs":[{"token":"Hi","logprob":-0.01,"bytes":[72,105]}]}]},
              {"type":"output_text","text":"!","annotations":[],"logprobs":[{"token":"!","logprob":-0.5,"bytes":[33],"top_logprobs":[]}]}]}]
            """));

        Assert.True(JsonElement.DeepEquals(
            Json("""
                {"content":[{"token":"Hi","logprob":-0.01,"bytes":[72,105],"top_logprobs":[{"token":"Hi","logprob":-0.01,"bytes":[72,105]}]},
                            {"token":"!","logprob":-0.5,"bytes":[33],"top_logprobs":[]}],"refusal":null}
                """),
            body.GetProperty("choices")[0].GetProperty("logprobs")));
    }

    [Fact]
    public void Without_logprobs_the_choice_logprobs_is_null()
    {
        var (_, body) = Run(ResponsesVendorExamples.ResponseObject);

        Assert.Equal(JsonValueKind.Null, body.GetProperty("choices")[0].GetProperty("logprobs").ValueKind);
    }
}
