using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.AnthropicToOpenAI;
using Bridge.Gateway.Translation.AnthropicToResponses;
using static Bridge.Tests.Translation.AnthropicToResponses.ResponsesTestHelpers;
using static Bridge.Tests.Translation.AnthropicToResponses.ResponsesVendorExamples;

namespace Bridge.Tests.Translation.AnthropicToResponses;

/// <summary>Non-streaming Responses <c>response</c> object -> Anthropic message.</summary>
public class ResponsesToAnthropicResponseTests
{
    private static (ResponseTranslation Result, JsonElement Message) Translate(string response, ToolNameMap? names = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var result = ResponsesToAnthropicResponse.Translate(Json(response), "claude-sonnet-5", names ?? ToolNameMap.Empty, Key, buffer);
        return (result, result.Ok ? Json(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan)) : default);
    }

    [Fact]
    public void DocumentedResponseObject_BecomesAnAnthropicMessage()
    {
        var (result, message) = Translate(ResponseObject);

        Assert.True(result.Ok, result.ErrorMessage);
        Assert.StartsWith("msg_", message.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("message", message.GetProperty("type").GetString());
        Assert.Equal("claude-sonnet-5", message.GetProperty("model").GetString());
        Assert.Equal($$"""[{"type":"text","text":"{{ResponseObjectText}}"}]""", message.GetProperty("content").GetRawText());
        Assert.Equal("end_turn", message.GetProperty("stop_reason").GetString());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("stop_sequence").ValueKind);
        Assert.Equal("""{"input_tokens":328,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":52}""", message.GetProperty("usage").GetRawText());
        Assert.Equal((328, 52, 0), (result.InputTokens, result.OutputTokens, result.CachedTokens));
    }

    [Fact]
    public void ReasoningAndFunctionCall_BecomeSignedThinkingAndToolUse()
    {
        var reasoning = Json(ReasoningDone).GetProperty("item").GetRawText();
        var call = Json(FunctionCallDone).GetProperty("item").GetRawText();
        var response = $$$"""
            {"id":"resp_1","object":"response","status":"completed","error":null,"incomplete_details":null,"output":[{{{reasoning}}},{{{call}}}],
             "usage":{"input_tokens":2000,"input_tokens_details":{"cached_tokens":1500},"output_tokens":300,"output_tokens_details":{"reasoning_tokens":256},"total_tokens":2300}}
            """;
        var (result, message) = Translate(response);

        Assert.True(result.Ok, result.ErrorMessage);
        var content = message.GetProperty("content").EnumerateArray().ToList();
        Assert.Equal("thinking", content[0].GetProperty("type").GetString());
        Assert.Equal("**Respond**", content[0].GetProperty("thinking").GetString());
        Assert.True(ReasoningSignature.TryDecode(content[0].GetProperty("signature").GetString(), Key, out var id, out var enc));
        Assert.Equal((ReasoningId, "gAAAAABoBr_KencryptedReasoning=="), (id, enc));
        Assert.Equal("""{"type":"tool_use","id":"toolu_bridge_call_12345xyz","name":"get_weather","input":{"arg":1}}""", content[1].GetRawText());
        Assert.Equal("tool_use", message.GetProperty("stop_reason").GetString());
        Assert.Equal("""{"input_tokens":500,"cache_creation_input_tokens":0,"cache_read_input_tokens":1500,"output_tokens":300}""", message.GetProperty("usage").GetRawText());
    }

    [Fact]
    public void ReasoningWithoutEncryptedContent_HasAnEmptySignature_AndEmptyReasoningIsLeftOut()
    {
        var (_, message) = Translate("""
            {"status":"completed","error":null,"output":[{"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"a"},{"type":"summary_text","text":"b"}]},{"id":"rs_2","type":"reasoning","summary":[]},
             {"type":"web_search_call","id":"ws_1","status":"completed"},{"type":"message","id":"m","role":"assistant","content":[{"type":"output_text","text":"ok","annotations":[]}]}]}
            """);

        Assert.Equal("""[{"type":"thinking","thinking":"a\n\nb","signature":""},{"type":"text","text":"ok"}]""", message.GetProperty("content").GetRawText());
    }

    [Theory]
    [InlineData("max_output_tokens", "max_tokens")]
    [InlineData("content_filter", "refusal")]
    public void Incomplete_MapsItsReason(string reason, string stopReason)
    {
        var response = Json(Incomplete).GetProperty("response").GetRawText().Replace("\"max_tokens\"", $"\"{reason}\"", StringComparison.Ordinal);
        var (result, message) = Translate(response);

        Assert.True(result.Ok);
        Assert.Equal(stopReason, message.GetProperty("stop_reason").GetString());
        Assert.Equal(stopReason, result.StopReason);
    }

    [Fact]
    public void Refusal_IsShownAsText_WithStopReasonRefusal()
    {
        var (_, message) = Translate("""{"status":"completed","error":null,"output":[{"type":"message","id":"m","role":"assistant","content":[{"type":"refusal","refusal":"I can't help with that."}]}]}""");

        Assert.Equal("""[{"type":"text","text":"I can't help with that."}]""", message.GetProperty("content").GetRawText());
        Assert.Equal("refusal", message.GetProperty("stop_reason").GetString());
    }

    [Fact]
    public void FailedResponse_AndErrorEnvelope_AreErrors()
    {
        var (failed, _) = Translate(Json(Failed).GetProperty("response").GetRawText());
        Assert.False(failed.Ok);
        Assert.Equal("The model failed to generate a response.", failed.ErrorMessage);
        Assert.Null(failed.ErrorStatus);

        var (limited, _) = Translate("""{"error":{"message":"Rate limit reached for gpt-5.4","type":"requests","param":null,"code":"rate_limit_exceeded"}}""");
        Assert.False(limited.Ok);
        Assert.Equal(429, limited.ErrorStatus);

        var (notAResponse, _) = Translate("""{"choices":[]}""");
        Assert.False(notAResponse.Ok);
    }
}
