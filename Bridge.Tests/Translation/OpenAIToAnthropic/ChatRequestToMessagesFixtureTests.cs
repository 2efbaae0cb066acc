using Bridge.Tests.Infrastructure;
using System.Text.Json;
using Bridge.Gateway.Translation.OpenAIToAnthropic;
using static Bridge.Tests.Translation.OpenAIToAnthropic.ChatToMessagesTestHelpers;

namespace Bridge.Tests.Translation.OpenAIToAnthropic;

/// <summary>Real OpenAI SDK requests (fixtures/claude-code/sdk-openai.jsonl) translated for an Anthropic backend.</summary>
public class ChatRequestToMessagesFixtureTests
{
    public static IEnumerable<object[]> OpenAIRequests() =>
        Fixtures.Exchanges("sdk-openai")
            .Where(e => e.GetProperty("path").GetString() == "/v1/chat/completions")
            .Select(e => new object[] { e.GetProperty("seq").GetInt32() });

    [Theory]
    [MemberData(nameof(OpenAIRequests))]
    public void Translate_RecordedOpenAISdkRequest_IsAValidAnthropicRequest(int seq)
    {
        var request = Fixtures.Request("sdk-openai", seq);
        var (result, body) = Translate(request);

        Assert.True(result.Ok, result.ErrorMessage);
        Assert.Equal("gpt-4o-mini", result.RequestedModel);
        Assert.Empty(AnthropicMessagesRequestValidator.Validate(body));
        Assert.Equal(Claude.Model, body.GetProperty("model").GetString());
        Assert.Equal(request.TryGetProperty("stream", out var s) && s.GetBoolean(), result.Stream);
    }

    [Fact]
    public void Translate_RecordedFirstToolRequest_MapsEveryField()
    {
        var (result, body) = Translate(Fixtures.Request("sdk-openai", 1));

        Assert.True(result.Ok, result.ErrorMessage);
        Assert.True(result.Stream);
        Assert.True(result.IncludeUsage);
        AssertJsonEqual(
            """
            {
              "model": "claude-sonnet-4-5-20250929",
              "system": [{"type": "text", "text": "You are a helpful assistant."}],
              "messages": [{"role": "user", "content": [{"type": "text", "text": "What is the weather in Paris?"}]}],
              "max_tokens": 256,
              "temperature": 0.2,
              "tools": [{
                "name": "get_weather",
                "description": "Get the current weather for a city",
                "input_schema": {"type": "object", "properties": {"city": {"type": "string", "description": "City name"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["city"], "additionalProperties": false}
              }],
              "tool_choice": {"type": "auto"},
              "stream": true
            }
            """,
            body);
    }

    [Fact]
    public void Translate_RecordedToolResultRequest_PairsToolUseAndToolResult()
    {
        var (result, body) = Translate(Fixtures.Request("sdk-openai", 2));

        Assert.True(result.Ok, result.ErrorMessage);
        AssertJsonEqual(
            """
            [
              {"role": "user", "content": [{"type": "text", "text": "What is the weather in Paris?"}]},
              {"role": "assistant", "content": [{"type": "tool_use", "id": "call_K6FBD04InTGTtS3cnuSyCRSv", "name": "get_weather", "input": {"city": "Paris", "unit": "celsius"}}]},
              {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "call_K6FBD04InTGTtS3cnuSyCRSv", "content": "{\"city\":\"Paris\",\"temp_c\":18}"}]}
            ]
            """,
            body.GetProperty("messages"));
        Assert.Equal(4096, body.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public void Translate_RecordedParallelToolCallsFalse_DisablesParallelToolUse()
    {
        var (_, body) = Translate(Fixtures.Request("sdk-openai", 3));

        AssertJsonEqual("""{"type": "auto", "disable_parallel_tool_use": true}""", body.GetProperty("tool_choice"));
        Assert.False(body.TryGetProperty("parallel_tool_calls", out _));
    }

    [Fact]
    public void Translate_RecordedNonStreamingRequest_MapsUserAndMaxTokens()
    {
        var (result, body) = Translate(Fixtures.Request("sdk-openai", 4));

        Assert.False(result.Stream);
        Assert.False(result.IncludeUsage);
        Assert.Equal(50, body.GetProperty("max_tokens").GetInt32());
        AssertJsonEqual("""{"user_id": "user-123"}""", body.GetProperty("metadata"));
        Assert.False(body.TryGetProperty("stream", out _));
    }
}
