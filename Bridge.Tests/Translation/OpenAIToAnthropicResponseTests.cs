using Bridge.Tests.Infrastructure;
using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.AnthropicToOpenAI;
using static Bridge.Tests.Translation.TranslationTestHelpers;

namespace Bridge.Tests.Translation;

/// <summary>Non-streaming OpenAI chat completion -> Anthropic message (docs/translation.md, section 1.4).</summary>
public class OpenAIToAnthropicResponseTests
{
    // From OpenAI's API reference (function calling example), verbatim apart from the cached-tokens detail.
    private const string ToolCallResponse = """
        {"id":"chatcmpl-abc123","object":"chat.completion","created":1699896916,"model":"gpt-4o-mini",
         "choices":[{"index":0,"message":{"role":"assistant","content":null,
           "tool_calls":[{"id":"call_abc123","type":"function","function":{"name":"get_current_weather","arguments":"{\n\"location\": \"Boston, MA\"\n}"}}]},
           "logprobs":null,"finish_reason":"tool_calls"}],
         "usage":{"prompt_tokens":82,"completion_tokens":17,"total_tokens":99,"prompt_tokens_details":{"cached_tokens":64},"completion_tokens_details":{"reasoning_tokens":0}}}
        """;

    private static (ResponseTranslation Result, JsonElement Message) Translate(
        string openAIJson, ToolNameMap? names = null, IReadOnlyList<string>? stops = null, string model = "claude-sonnet-4-5")
    {
        var buffer = new ArrayBufferWriter<byte>();
        var result = OpenAIToAnthropicResponse.Translate(Json(openAIJson), model, names ?? ToolNameMap.Empty, stops ?? [], buffer);
        if (!result.Ok)
        {
            return (result, default);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return (result, document.RootElement.Clone());
    }

    private static string Completion(string message, string finishReason, string usage = """{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}""") => $$"""
        {"id":"chatcmpl-x","object":"chat.completion","created":1,"model":"gpt-4o","choices":[{"index":0,"message":{{message}},"logprobs":null,"finish_reason":"{{finishReason}}"}],"usage":{{usage}}}
        """;

    [Fact]
    public void Translate_RecordedTextCompletion_BecomesAnthropicMessage()
    {
        var recorded = Fixtures.ResponseBody("sdk-openai", 4);
        var (result, message) = Translate(recorded, model: "claude-haiku-4-5");

        Assert.True(result.Ok);
        Assert.Matches("^msg_[0-9A-Za-z]{24}$", message.GetProperty("id").GetString());
        Assert.Equal("message", message.GetProperty("type").GetString());
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal("claude-haiku-4-5", message.GetProperty("model").GetString());
        var expectedContent = Json("""[{"type":"text","text":"Hi! How can I help you today?"}]""");
        Assert.True(JsonElement.DeepEquals(expectedContent, message.GetProperty("content")), message.GetProperty("content").GetRawText());
        Assert.Equal("end_turn", message.GetProperty("stop_reason").GetString());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("stop_sequence").ValueKind);
        var expectedUsage = Json("""{"input_tokens":27,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":9}""");
        Assert.True(JsonElement.DeepEquals(expectedUsage, message.GetProperty("usage")));
        Assert.DoesNotContain("chatcmpl", message.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Translate_ToolCalls_BecomeToolUseWithToolUId_AndCachedUsage()
    {
        var (result, message) = Translate(ToolCallResponse);

        Assert.Equal("tool_use", message.GetProperty("stop_reason").GetString());
        var block = message.GetProperty("content")[0];
        Assert.Equal(1, message.GetProperty("content").GetArrayLength());
        Assert.Equal("tool_use", block.GetProperty("type").GetString());
        Assert.Equal("toolu_bridge_call_abc123", block.GetProperty("id").GetString());
        Assert.Equal("get_current_weather", block.GetProperty("name").GetString());
        Assert.True(JsonElement.DeepEquals(Json("""{"location":"Boston, MA"}"""), block.GetProperty("input")));

        var usage = message.GetProperty("usage");
        Assert.Equal(18, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(64, usage.GetProperty("cache_read_input_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("cache_creation_input_tokens").GetInt32());
        Assert.Equal(17, usage.GetProperty("output_tokens").GetInt32());
        Assert.Equal((18, 17, 64), (result.InputTokens, result.OutputTokens, result.CachedTokens));
    }

    [Fact]
    public void Translate_ToolUseId_RoundTripsToUpstreamId()
    {
        var (_, message) = Translate(ToolCallResponse);
        var clientId = message.GetProperty("content")[0].GetProperty("id").GetString()!;
        Assert.Equal("call_abc123", ToolCallIds.ToUpstream(clientId));
    }

    [Fact]
    public void Translate_RenamedTool_IsRestoredToClientName()
    {
        var names = new ToolNameMap();
        var original = "server.tool/with spaces";
        var upstream = names.ToUpstream(original);
        var (_, message) = Translate(Completion($$$"""
            {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"{{{upstream}}}","arguments":"{}"}}]}
            """, "tool_calls"), names);
        Assert.Equal(original, message.GetProperty("content")[0].GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("stop", "end_turn")]
    [InlineData("length", "max_tokens")]
    [InlineData("content_filter", "refusal")]
    [InlineData("tool_calls", "tool_use")]
    public void Translate_FinishReason_MapsToStopReason(string finishReason, string stopReason)
    {
        var (result, message) = Translate(Completion("""{"role":"assistant","content":"partial"}""", finishReason));
        Assert.Equal(stopReason, message.GetProperty("stop_reason").GetString());
        Assert.Equal(stopReason, result.StopReason);
    }

    [Fact]
    public void Translate_Refusal_BecomesTextBlock_WithRefusalStop()
    {
        var (_, message) = Translate(Completion("""{"role":"assistant","content":null,"refusal":"I can't help with that."}""", "content_filter"));
        Assert.True(JsonElement.DeepEquals(Json("""[{"type":"text","text":"I can't help with that."}]"""), message.GetProperty("content")));
        Assert.Equal("refusal", message.GetProperty("stop_reason").GetString());
    }

    [Fact]
    public void Translate_ReasoningContent_BecomesThinkingBlockFirst()
    {
        var (_, message) = Translate(Completion("""{"role":"assistant","reasoning_content":"Let me think.","content":"42"}""", "stop"));
        var expected = Json("""[{"type":"thinking","thinking":"Let me think.","signature":""},{"type":"text","text":"42"}]""");
        Assert.True(JsonElement.DeepEquals(expected, message.GetProperty("content")), message.GetProperty("content").GetRawText());
    }

    [Fact]
    public void Translate_NamedStopSequence_IsReportedWhenUpstreamSaysWhichOne()
    {
        var json = """
            {"id":"cmpl-1","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop","stop_reason":"END"}],"usage":{"prompt_tokens":1,"completion_tokens":1}}
            """;
        var (_, withStops) = Translate(json, stops: ["END", "STOP"]);
        Assert.Equal("stop_sequence", withStops.GetProperty("stop_reason").GetString());
        Assert.Equal("END", withStops.GetProperty("stop_sequence").GetString());

        var (_, notOurs) = Translate(json, stops: ["OTHER"]);
        Assert.Equal("end_turn", notOurs.GetProperty("stop_reason").GetString());
        Assert.Equal(JsonValueKind.Null, notOurs.GetProperty("stop_sequence").ValueKind);
    }

    [Fact]
    public void Translate_StopWithToolCalls_IsToolUse()
    {
        var (_, message) = Translate(Completion("""
            {"role":"assistant","content":"Calling.","tool_calls":[{"id":"call_9","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]}
            """, "stop"));
        Assert.Equal("tool_use", message.GetProperty("stop_reason").GetString());
        Assert.Equal(["text", "tool_use"], message.GetProperty("content").EnumerateArray().Select(b => b.GetProperty("type").GetString()));
    }

    [Theory]
    [InlineData("", "{}")]
    [InlineData("not json", """{"raw_arguments":"not json"}""")]
    [InlineData("[1]", """{"raw_arguments":"[1]"}""")]
    public void Translate_ToolArgumentsThatAreNotAnObject_StillYieldAnObjectInput(string arguments, string expectedInput)
    {
        var (_, message) = Translate(Completion($$$"""
            {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":{{{JsonSerializer.Serialize(arguments)}}}}}]}
            """, "tool_calls"));
        Assert.True(JsonElement.DeepEquals(Json(expectedInput), message.GetProperty("content")[0].GetProperty("input")));
    }

    [Fact]
    public void Translate_MissingUpstreamToolId_GetsGeneratedToolUId()
    {
        var (_, message) = Translate(Completion("""
            {"role":"assistant","content":null,"tool_calls":[{"type":"function","function":{"name":"f","arguments":"{}"}}]}
            """, "tool_calls"));
        Assert.Matches("^toolu_[0-9A-Za-z]{24}$", message.GetProperty("content")[0].GetProperty("id").GetString());
    }

    [Fact]
    public void Translate_UpstreamErrorEnvelope_IsNotOk()
    {
        var (result, _) = Translate("""{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}""");
        Assert.False(result.Ok);
        Assert.Equal("Rate limit reached", result.ErrorMessage);
    }
}
