using Bridge.Tests.Infrastructure;
using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Translation.OpenAIToAnthropic;
using static Bridge.Tests.Translation.OpenAIToAnthropic.ChatToMessagesTestHelpers;
using static Bridge.Tests.Translation.TranslationTestHelpers;

namespace Bridge.Tests.Translation.OpenAIToAnthropic;

/// <summary>Non-streaming Anthropic messages -> OpenAI chat completions.</summary>
public class MessagesResponseToChatTests
{
    private static (ChatResponseTranslation Result, JsonElement Body) Run(string anthropicJson) => Run(Json(anthropicJson));

    private static (ChatResponseTranslation Result, JsonElement Body) Run(JsonElement anthropic)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var result = MessagesResponseToChat.Translate(anthropic, "gpt-4o", buffer);
        if (!result.Ok)
        {
            return (result, default);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return (result, document.RootElement.Clone());
    }

    private static string Message(string content, string stopReason, string usage = """{"input_tokens":10,"output_tokens":5}""") =>
        $$$"""{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":{{{content}}},"stop_reason":"{{{stopReason}}}","stop_sequence":null,"usage":{{{usage}}}}""";

    [Fact]
    public void Translate_RecordedTextMessage_IsAChatCompletion()
    {
        var recorded = Json(Fixtures.ResponseBody("sdk-anthropic", 3));
        var (result, body) = Run(recorded);

        Assert.True(result.Ok);
        Assert.StartsWith("chatcmpl-", body.GetProperty("id").GetString());
        Assert.InRange(body.GetProperty("created").GetInt64(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        var withoutVolatile = body.GetRawText()
            .Replace(body.GetProperty("id").GetString()!, "ID", StringComparison.Ordinal)
            .Replace("\"created\":" + body.GetProperty("created").GetInt64(), "\"created\":0", StringComparison.Ordinal);
        AssertJsonEqual(
            """
            {"id":"ID","object":"chat.completion","created":0,"model":"gpt-4o",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hi! How can I help you today?","refusal":null},"finish_reason":"stop","logprobs":null}],
             "usage":{"prompt_tokens":40,"completion_tokens":12,"total_tokens":52,"prompt_tokens_details":{"cached_tokens":0},"cache_creation_input_tokens":0}}
            """,
            Json(withoutVolatile));
        Assert.Equal(("stop", 40, 12, 0), (result.FinishReason, result.PromptTokens, result.CompletionTokens, result.CachedTokens));
    }

    [Fact]
    public void Translate_ToolUseBlocks_BecomeToolCallsWithCompactArguments()
    {
        var (result, body) = Run(Message(
            """[{"type":"text","text":"Let me check."},{"type":"tool_use","id":"toolu_01A","name":"get_weather","input":{ "city" : "Paris", "n": [1, 2] }},{"type":"tool_use","id":"toolu_01B","name":"now","input":{}}]""",
            "tool_use"));

        var message = body.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal("Let me check.", message.GetProperty("content").GetString());
        AssertJsonEqual(
            """
            [{"id":"toolu_01A","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\",\"n\":[1,2]}"}},
             {"id":"toolu_01B","type":"function","function":{"name":"now","arguments":"{}"}}]
            """,
            message.GetProperty("tool_calls"));
        Assert.Equal("tool_calls", result.FinishReason);
        Assert.Equal("tool_calls", body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public void Translate_ToolUseOnly_ContentIsNull()
    {
        var (_, body) = Run(Message("""[{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]""", "tool_use"));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").ValueKind);
    }

    [Fact]
    public void Translate_ThinkingBlocks_BecomeReasoningContent()
    {
        var (_, body) = Run(Message(
            """[{"type":"thinking","thinking":"Step \"one\".","signature":"sig"},{"type":"redacted_thinking","data":"xx"},{"type":"text","text":"A"},{"type":"text","text":"B\n"}]""",
            "end_turn"));

        var message = body.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal("Step \"one\".", message.GetProperty("reasoning_content").GetString());
        Assert.Equal("AB\n", message.GetProperty("content").GetString());
        Assert.False(message.TryGetProperty("signature", out _));
    }

    [Fact]
    public void Translate_NoThinking_OmitsReasoningContent()
    {
        var (_, body) = Run(Message("""[{"type":"text","text":"A"}]""", "end_turn"));
        Assert.False(body.GetProperty("choices")[0].GetProperty("message").TryGetProperty("reasoning_content", out _));
    }

    [Theory]
    [InlineData("end_turn", "stop")]
    [InlineData("stop_sequence", "stop")]
    [InlineData("pause_turn", "stop")]
    [InlineData("max_tokens", "length")]
    [InlineData("tool_use", "tool_calls")]
    [InlineData("refusal", "content_filter")]
    [InlineData("model_context_window_exceeded", "length")]
    public void Translate_StopReason_MapsToFinishReason(string stopReason, string finishReason)
    {
        var (result, body) = Run(Message("""[{"type":"text","text":"x"}]""", stopReason));
        Assert.Equal(finishReason, result.FinishReason);
        Assert.Equal(finishReason, body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public void Translate_CachedUsage_PromptTokensIncludeCacheReadsAndWrites()
    {
        var (result, body) = Run(Message(
            """[{"type":"text","text":"x"}]""",
            "end_turn",
            """{"input_tokens":12,"cache_creation_input_tokens":300,"cache_read_input_tokens":5000,"output_tokens":40,"service_tier":"standard"}"""));

        AssertJsonEqual(
            """{"prompt_tokens":5312,"completion_tokens":40,"total_tokens":5352,"prompt_tokens_details":{"cached_tokens":5000},"cache_creation_input_tokens":300}""",
            body.GetProperty("usage"));
        Assert.Equal((5312, 40, 5000, 300), (result.PromptTokens, result.CompletionTokens, result.CachedTokens, result.CacheCreationTokens));
    }

    [Fact]
    public void Translate_AnthropicErrorEnvelope_IsNotOk()
    {
        var (result, _) = Run("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""");
        Assert.False(result.Ok);
        Assert.Equal("overloaded_error", result.ErrorType);
        Assert.Equal("Overloaded", result.ErrorMessage);
    }
}
