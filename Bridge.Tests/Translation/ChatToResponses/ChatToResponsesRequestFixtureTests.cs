using Bridge.Gateway.Translation;
using Bridge.Tests.Infrastructure;
using static Bridge.Tests.Translation.ChatToResponses.ChatToResponsesTestHelpers;

namespace Bridge.Tests.Translation.ChatToResponses;

/// <summary>Real OpenAI SDK requests (fixtures/claude-code/sdk-openai.jsonl) translated for a Responses deployment, field by field.</summary>
public class ChatToResponsesRequestFixtureTests
{
    private const string WeatherTool =
        """{"type":"function","name":"get_weather","description":"Get the current weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string","description":"City name"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city"],"additionalProperties":false},"strict":true}""";

    [Fact]
    public void Recorded_first_tool_request_maps_every_field()
    {
        var (result, body) = Translate(Fixtures.Request("sdk-openai", 1));

        Assert.True(result.Ok, result.ErrorMessage);
        Assert.True(result.Stream);
        Assert.True(result.IncludeUsage);
        Assert.Equal("gpt-4o-mini", result.RequestedModel);
        Assert.Empty(result.DroppedParams);
        AssertJsonEqual(
            $$"""
            {
              "model": "gpt-4o",
              "instructions": "You are a helpful assistant.",
              "input": [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": "What is the weather in Paris?"}]}],
              "max_output_tokens": 256,
              "stream": true,
              "store": false,
              "temperature": 0.2,
              "tools": [{{WeatherTool}}],
              "tool_choice": "auto"
            }
            """,
            body);
    }

    [Fact]
    public void Recorded_tool_result_request_sends_the_call_and_its_output_with_the_same_call_id()
    {
        var (result, body) = Translate(Fixtures.Request("sdk-openai", 2));

        Assert.True(result.Ok, result.ErrorMessage);
        Assert.True(result.Stream);
        Assert.True(result.IncludeUsage);
        AssertJsonEqual(
            $$"""
            {
              "model": "gpt-4o",
              "instructions": "You are a helpful assistant.",
              "input": [
                {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "What is the weather in Paris?"}]},
                {"type": "function_call", "call_id": "call_K6FBD04InTGTtS3cnuSyCRSv", "name": "get_weather", "arguments": "{\"city\":\"Paris\",\"unit\":\"celsius\"}"},
                {"type": "function_call_output", "call_id": "call_K6FBD04InTGTtS3cnuSyCRSv", "output": "{\"city\":\"Paris\",\"temp_c\":18}"}
              ],
              "stream": true,
              "store": false,
              "tools": [{{WeatherTool}}]
            }
            """,
            body);
    }

    [Fact]
    public void Recorded_parallel_tool_calls_false_is_passed()
    {
        var (result, body) = Translate(Fixtures.Request("sdk-openai", 3));

        Assert.True(result.Ok, result.ErrorMessage);
        Assert.True(result.Stream);
        Assert.False(result.IncludeUsage);
        AssertJsonEqual(
            $$"""
            {
              "model": "gpt-4o",
              "instructions": "You are a helpful assistant.",
              "input": [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": "What is the weather in Paris?"}]}],
              "stream": true,
              "store": false,
              "tools": [{{WeatherTool}}],
              "parallel_tool_calls": false
            }
            """,
            body);
    }

    [Fact]
    public void Recorded_plain_request_maps_max_tokens_and_user()
    {
        var (result, body) = Translate(Fixtures.Request("sdk-openai", 4));

        Assert.True(result.Ok, result.ErrorMessage);
        Assert.False(result.Stream);
        AssertJsonEqual(
            """
            {
              "model": "gpt-4o",
              "input": [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": "say hi"}]}],
              "max_output_tokens": 50,
              "store": false,
              "user": "user-123"
            }
            """,
            body);
    }

    [Fact]
    public void Recorded_requests_for_a_reasoning_deployment_drop_sampling_and_keep_the_cap()
    {
        var target = new OpenAITarget { Model = "gpt-5.4", IsReasoningModel = true, MaxOutputTokens = 100 };
        var (result, body) = Translate(Fixtures.Request("sdk-openai", 1), target);

        Assert.True(result.Ok, result.ErrorMessage);
        Assert.False(body.TryGetProperty("temperature", out _));
        Assert.Equal(100, body.GetProperty("max_output_tokens").GetInt32());
        Assert.Equal("gpt-5.4", body.GetProperty("model").GetString());
    }
}
