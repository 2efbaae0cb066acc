using static Bridge.Tests.Translation.TranslationTestHelpers;

namespace Bridge.Tests.Translation;

/// <summary>Client errors name the offending field.</summary>
public class AnthropicToOpenAIRequestValidationTests
{
    [Theory]
    [InlineData("""[1]""", "body: must be a JSON object")]
    [InlineData("""{"max_tokens":1,"messages":[{"role":"user","content":"x"}]}""", "model: required")]
    [InlineData("""{"model":5,"max_tokens":1,"messages":[{"role":"user","content":"x"}]}""", "model: must be a non-empty string")]
    [InlineData("""{"model":"m","max_tokens":1}""", "messages: required")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":{}}""", "messages: must be an array")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[]}""", "messages: at least one message is required")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}]}""", "max_tokens: required")]
    [InlineData("""{"model":"m","max_tokens":"10","messages":[{"role":"user","content":"x"}]}""", "max_tokens: must be an integer")]
    [InlineData("""{"model":"m","max_tokens":1.5,"messages":[{"role":"user","content":"x"}]}""", "max_tokens: must be an integer")]
    [InlineData("""{"model":"m","max_tokens":0,"messages":[{"role":"user","content":"x"}]}""", "max_tokens: must be at least 1")]
    [InlineData("""{"model":"m","max_tokens":1,"stream":"yes","messages":[{"role":"user","content":"x"}]}""", "stream: must be a boolean")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":"bot","content":"x"}]}""", "messages.0.role: must be 'user', 'assistant' or 'system'")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":"user"}]}""", "messages.0.content: must be a string or an array of content blocks")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"},{"role":"assistant","content":[{"type":"foo"}]}]}""", "messages.1.content.0: unknown content block type 'foo'")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"text"}]}]}""", "messages.0.content.0.text: must be a string")]
    [InlineData("""{"model":"m","max_tokens":1,"temperature":"hot","messages":[{"role":"user","content":"x"}]}""", "temperature: must be a number")]
    [InlineData("""{"model":"m","max_tokens":1,"stop_sequences":"x","messages":[{"role":"user","content":"x"}]}""", "stop_sequences: must be an array of strings")]
    [InlineData("""{"model":"m","max_tokens":1,"tools":{},"messages":[{"role":"user","content":"x"}]}""", "tools: must be an array")]
    [InlineData("""{"model":"m","max_tokens":1,"tools":[{"name":"a"}],"messages":[{"role":"user","content":"x"}]}""", "tools.0.input_schema: must be an object")]
    [InlineData("""{"model":"m","max_tokens":1,"tool_choice":{"type":"maybe"},"messages":[{"role":"user","content":"x"}]}""", "tool_choice.type: unknown value 'maybe' (expected auto, any, tool or none)")]
    [InlineData("""{"model":"m","max_tokens":1,"metadata":{"user_id":7},"messages":[{"role":"user","content":"x"}]}""", "metadata.user_id: must be a string")]
    [InlineData("""{"model":"m","max_tokens":1,"system":[{"type":"image"}],"messages":[{"role":"user","content":"x"}]}""", "system.0.type: must be 'text'")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"file","file_id":"f"}}]}]}""", "messages.0.content.0.source.type: image source 'file' is not supported for this deployment (use base64 or url)")]
    [InlineData("""{"model":"m","max_tokens":1,"output_config":{"format":{"type":"xml"}},"messages":[{"role":"user","content":"x"}]}""", "output_config.format.type: unknown value 'xml' (expected json_schema)")]
    public void Translate_InvalidRequest_NamesTheField(string json, string expected)
    {
        Assert.Equal(expected, Error(json));
    }

    [Fact]
    public void Translate_ToolResultForUnknownId_IsRejected()
    {
        var error = Error("""
            {"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_x","content":"?"}]}]}
            """);
        Assert.Equal("messages.0.content.0.tool_use_id: no tool_use with id 'toolu_x' in the previous assistant message", error);
    }

    [Fact]
    public void Translate_ToolUseWithoutToolResult_IsRejected()
    {
        var error = Error("""
            {"model":"m","max_tokens":1,"messages":[
              {"role":"user","content":"go"},
              {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"a","input":{}}]},
              {"role":"user","content":"never mind"}]}
            """);
        Assert.Equal("messages.2: tool_use ids without a tool_result in the next user message: toolu_1", error);
    }

    [Fact]
    public void Translate_Error_StillReportsRequestedModel()
    {
        var (result, _) = TranslateRequest("""{"model":"claude-x","messages":[{"role":"user","content":"x"}]}""");
        Assert.False(result.Ok);
        Assert.Equal("claude-x", result.RequestedModel);
    }
}
