using System.Text.Json;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Translation.OpenAIToAnthropic;
using Bridge.Tests.Infrastructure;
using static Bridge.Tests.Translation.ResponsesToMessages.ResponsesToMessagesTestHelpers;

namespace Bridge.Tests.Translation.ResponsesToMessages;

/// <summary>Cache breakpoints on the Responses -> Anthropic path (Codex's recorded requests and crafted ones).</summary>
public class ResponsesCacheBreakpointTests
{
    private static readonly AnthropicTarget Defaults = Claude with { DefaultCacheBreakpoints = true };

    private static JsonElement Last(JsonElement array) => array[array.GetArrayLength() - 1];

    private static int Count(JsonElement body) => body.GetRawText().Split("\"cache_control\"").Length - 1;

    private static bool Marked(JsonElement block) =>
        block.TryGetProperty("cache_control", out var c) && c.GetProperty("type").GetString() == "ephemeral";

    [Fact]
    public void Default_OnCodexsToolResultTurn_MarksTheSystemPromptTheToolOutputAndThePreviousUserTurn()
    {
        var (_, body) = TranslateValid(Fixtures.CodexRequest("codex-tool-result"), Defaults);

        Assert.True(Marked(Last(body.GetProperty("system"))));
        var messages = body.GetProperty("messages");
        Assert.True(Marked(Last(messages[0].GetProperty("content")))); // the second user item's last part
        var last = Last(messages).GetProperty("content");
        Assert.Equal("tool_result", last[0].GetProperty("type").GetString());
        Assert.True(Marked(last[0]));
        Assert.Equal(3, Count(body));
    }

    [Fact]
    public void WithoutTheDefault_CodexsRequestIsUnchanged()
    {
        var (_, body) = TranslateValid(Fixtures.CodexRequest("codex-tool-result"));

        Assert.Equal(0, Count(body));
    }

    [Fact]
    public void Instructions_AreMessageZero_AndRoleSystemMarksThem()
    {
        var json = """
            {"model":"m","instructions":"Be brief.","input":[{"role":"user","content":"hi"},{"type":"function_call","call_id":"c1","name":"f","arguments":"{}"},
              {"type":"function_call_output","call_id":"c1","output":"ok"}]}
            """;
        var target = Claude with { CacheControlInjectionPoints = [new CacheControlInjectionPoint { Role = "system" }, new CacheControlInjectionPoint { Index = 2 }] };
        var (_, body) = TranslateValid(json, target);

        Assert.True(Marked(body.GetProperty("system")[0]));
        // Index 2 counts the instructions: the function_call item, whose tool_use block is marked.
        var call = body.GetProperty("messages")[1].GetProperty("content")[0];
        Assert.Equal("tool_use", call.GetProperty("type").GetString());
        Assert.True(Marked(call));
        Assert.Equal(2, Count(body));
    }

    [Fact]
    public void StringInput_IsOneUserMessage()
    {
        var (_, body) = TranslateValid("""{"model":"m","input":"hello","tools":[{"type":"function","name":"f"}]}""", Defaults);

        Assert.True(Marked(body.GetProperty("messages")[0].GetProperty("content")[0]));
        Assert.True(Marked(body.GetProperty("tools")[0])); // no system prompt: the tools are the prefix
        Assert.Equal(2, Count(body));
    }
}
