using static Bridge.Tests.Translation.OpenAIToAnthropic.ChatToMessagesTestHelpers;

namespace Bridge.Tests.Translation.OpenAIToAnthropic;

/// <summary>Requests the translator must refuse, with the OpenAI error 'param' naming the field.</summary>
public class ChatRequestToMessagesValidationTests
{
    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", "model")]
    [InlineData("""{"model":7,"messages":[{"role":"user","content":"hi"}]}""", "model")]
    [InlineData("""{"model":"m"}""", "messages")]
    [InlineData("""{"model":"m","messages":[]}""", "messages")]
    [InlineData("""{"model":"m","messages":"hi"}""", "messages")]
    [InlineData("""{"model":"m","messages":[{"role":"robot","content":"hi"}]}""", "messages[0].role")]
    [InlineData("""{"model":"m","messages":[{"content":"hi"}]}""", "messages[0].role")]
    [InlineData("""{"model":"m","messages":[{"role":"function","name":"f","content":"x"}]}""", "messages[0].role")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"a"},{"role":"user","content":5}]}""", "messages[1].content")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":""}]}""", "messages[0].content")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"n":2}""", "n")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":"9"}""", "max_tokens")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"max_completion_tokens":0}""", "max_completion_tokens")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":-1}""", "temperature")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"reasoning_effort":"extreme"}""", "reasoning_effort")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":"yes"}""", "stream")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"tool_choice":"required"}""", "tool_choice")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"custom","custom":{"name":"x"}}]}""", "tools[0].type")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAA=","format":"wav"}}]}]}""", "messages[0].content[0]")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"file","file":{"file_id":"file-abc"}}]}]}""", "messages[0].content[0].file")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"file","file":{"filename":"a.txt","file_data":"data:text/plain;base64,aGk="}}]}]}""", "messages[0].content[0].file.file_data")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/tiff;base64,AAA="}}]}]}""", "messages[0].content[0].image_url.url")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"ftp://x/y.png"}}]}]}""", "messages[0].content[0].image_url.url")]
    public void Translate_InvalidRequest_FailsNamingTheParam(string request, string param)
    {
        var (_, errorParam) = Fail(request);
        Assert.Equal(param, errorParam);
    }

    [Fact]
    public void Translate_UnparseableToolArguments_FailsNamingTheArguments()
    {
        var (message, param) = Fail(Request("""
            [{"role":"user","content":"q"},
             {"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}},{"id":"c2","type":"function","function":{"name":"f","arguments":"{\"a\":"}}]},
             {"role":"tool","tool_call_id":"c1","content":"r"},{"role":"tool","tool_call_id":"c2","content":"r"}]
            """));
        Assert.Equal("messages[1].tool_calls[1].function.arguments", param);
        Assert.Contains("not valid JSON", message);
    }

    [Fact]
    public void Translate_ToolMessageWithoutMatchingCall_Fails()
    {
        var (_, param) = Fail(Request("""[{"role":"user","content":"q"},{"role":"tool","tool_call_id":"call_x","content":"r"}]"""));
        Assert.Equal("messages[1].tool_call_id", param);
    }

    [Fact]
    public void Translate_ToolCallWithoutToolMessage_FailsNamingTheAssistantMessage()
    {
        var (message, param) = Fail(Request("""
            [{"role":"user","content":"q"},
             {"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}},{"id":"c2","type":"function","function":{"name":"f","arguments":"{}"}}]},
             {"role":"tool","tool_call_id":"c1","content":"r"},{"role":"user","content":"next"}]
            """));
        Assert.Equal("messages[1].tool_calls", param);
        Assert.Contains("c2", message);
    }

    [Fact]
    public void Translate_Failure_ReportsRequestedModel()
    {
        var (result, _) = Translate("""{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"n":3}""");
        Assert.False(result.Ok);
        Assert.Equal("gpt-4o", result.RequestedModel);
    }
}
