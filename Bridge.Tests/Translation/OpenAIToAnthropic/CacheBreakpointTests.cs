using System.Text.Json;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Translation.OpenAIToAnthropic;
using static Bridge.Tests.Translation.OpenAIToAnthropic.ChatToMessagesTestHelpers;
using static Bridge.Tests.Translation.TranslationTestHelpers;

namespace Bridge.Tests.Translation.OpenAIToAnthropic;

/// <summary>
/// Cache breakpoints on the Chat Completions -> Anthropic path: LiteLLM's <c>cache_control_injection_points</c>
/// (the examples of LiteLLM's "Auto-Inject Prompt Caching Checkpoints" page), Bridge's default, and the client's own
/// <c>cache_control</c> carried through.
/// </summary>
public class CacheBreakpointTests
{
    private const string Ephemeral = """{"type":"ephemeral"}""";

    private static AnthropicTarget With(params CacheControlInjectionPoint[] points) => Claude with { CacheControlInjectionPoints = points };

    private static readonly AnthropicTarget Defaults = Claude with { DefaultCacheBreakpoints = true };

    private const string Conversation = """
        [{"role":"system","content":[{"type":"text","text":"You are an AI assistant tasked with analyzing legal documents."},{"type":"text","text":"Here is the full text of a complex legal agreement"}]},
         {"role":"user","content":"what are the key terms?"},
         {"role":"assistant","content":"The terms are...","tool_calls":[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{}"}}]},
         {"role":"tool","tool_call_id":"call_1","content":"clause 4"},
         {"role":"assistant","content":"Clause 4 says..."},
         {"role":"user","content":[{"type":"text","text":"and the termination?"},{"type":"text","text":""}]}]
        """;

    private static JsonElement Last(JsonElement array) => array[array.GetArrayLength() - 1];

    private static int Count(JsonElement body) => body.GetRawText().Split("\"cache_control\"").Length - 1;

    private static JsonElement Control(JsonElement block) => block.GetProperty("cache_control");

    [Fact]
    public void RoleSystem_MarksTheLastBlockOfTheSystemMessage_LiteLLMsFirstExample()
    {
        var body = TranslateValid(Request(Conversation), With(new CacheControlInjectionPoint { Role = "system" }));

        var system = body.GetProperty("system");
        Assert.False(system[0].TryGetProperty("cache_control", out _));
        AssertJsonEqual(Ephemeral, Control(system[1]));
        Assert.Equal(1, Count(body));
    }

    [Fact]
    public void IndexMinusOne_MarksTheLastMessagesLastBlock_SkippingAnEmptyTrailingPart()
    {
        var body = TranslateValid(Request(Conversation), With(new CacheControlInjectionPoint { Index = -1 }));

        var last = Last(body.GetProperty("messages")).GetProperty("content");
        Assert.Equal("and the termination?", last[0].GetProperty("text").GetString());
        AssertJsonEqual(Ephemeral, Control(last[0]));
        Assert.Equal(1, Count(body));
    }

    [Fact]
    public void Index_CountsSystemMessagesAndTargetsToolResultsAndToolCalls()
    {
        // Index 3 is the tool message (its tool_result), index 2 the assistant message (its last tool_use).
        var body = TranslateValid(Request(Conversation), With(new CacheControlInjectionPoint { Index = 3 }, new CacheControlInjectionPoint { Index = -4 }));

        var messages = body.GetProperty("messages");
        AssertJsonEqual(Ephemeral, Control(Last(messages[1].GetProperty("content")))); // tool_use call_1
        Assert.Equal("tool_use", Last(messages[1].GetProperty("content")).GetProperty("type").GetString());
        AssertJsonEqual(Ephemeral, Control(messages[2].GetProperty("content")[0])); // tool_result
        Assert.Equal(2, Count(body));
    }

    [Fact]
    public void OutOfRangeIndexAndUnmatchedRole_AddNothing()
    {
        var body = TranslateValid(Request(Conversation), With(new CacheControlInjectionPoint { Index = 6 }, new CacheControlInjectionPoint { Index = -7 },
            new CacheControlInjectionPoint { Role = "developer" }));

        Assert.Equal(0, Count(body));
    }

    [Fact]
    public void CustomControl_IsWrittenAsConfigured()
    {
        var ttl = Json("""{"type":"ephemeral","ttl":"1h"}""");
        var body = TranslateValid(Request(Hi), With(new CacheControlInjectionPoint { Index = -1, Control = ttl }));

        AssertJsonEqual("""{"type":"ephemeral","ttl":"1h"}""", Control(body.GetProperty("messages")[0].GetProperty("content")[0]));
    }

    [Fact]
    public void RoleUser_StopsAtAnthropicsFourBreakpoints_CountingTheClients_AndSkipsMessagesTheClientMarked()
    {
        var messages = """
            [{"role":"user","content":[{"type":"text","text":"u0","cache_control":{"type":"ephemeral","ttl":"1h"}}]},{"role":"assistant","content":"a"},
             {"role":"user","content":"u1"},{"role":"assistant","content":"a"},
             {"role":"user","content":"u2"},{"role":"assistant","content":"a"},
             {"role":"user","content":"u3"},{"role":"assistant","content":"a"},
             {"role":"user","content":"u4"}]
            """;
        var body = TranslateValid(Request(messages), With(new CacheControlInjectionPoint { Role = "user" }));

        var turns = body.GetProperty("messages");
        AssertJsonEqual("""{"type":"ephemeral","ttl":"1h"}""", Control(turns[0].GetProperty("content")[0])); // the client's, kept
        for (var i = 2; i <= 6; i += 2) AssertJsonEqual(Ephemeral, Control(turns[i].GetProperty("content")[0]));
        Assert.False(turns[8].GetProperty("content")[0].TryGetProperty("cache_control", out _));
        Assert.Equal(4, Count(body));
    }

    [Fact]
    public void EmptyList_AddsNothing_EvenWithTheDefaultOn()
    {
        var body = TranslateValid(Request(Conversation), Defaults with { CacheControlInjectionPoints = [] });

        Assert.Equal(0, Count(body));
    }

    [Fact]
    public void Default_MarksSystemTheLastMessageAndThePreviousTurnsEnd()
    {
        var body = TranslateValid(Request(Conversation), Defaults);

        AssertJsonEqual(Ephemeral, Control(body.GetProperty("system")[1]));
        var turns = body.GetProperty("messages");
        // Previous turn's end: the tool message (index 3) before the last assistant message (index 4).
        AssertJsonEqual(Ephemeral, Control(turns[2].GetProperty("content")[0]));
        AssertJsonEqual(Ephemeral, Control(Last(turns).GetProperty("content")[0]));
        Assert.Equal(3, Count(body));
    }

    [Fact]
    public void Default_WithoutSystem_MarksTheLastTool()
    {
        var body = TranslateValid(Request(Hi, """
            "tools":[{"type":"function","function":{"name":"a","parameters":{"type":"object"}}},{"type":"function","function":{"name":"b"}}]
            """), Defaults);

        var tools = body.GetProperty("tools");
        Assert.False(tools[0].TryGetProperty("cache_control", out _));
        AssertJsonEqual(Ephemeral, Control(tools[1]));
        AssertJsonEqual(Ephemeral, Control(body.GetProperty("messages")[0].GetProperty("content")[0]));
        Assert.Equal(2, Count(body));
    }

    [Theory]
    [InlineData("""[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"hi","cache_control":{"type":"ephemeral"}}]}]""", "")]
    [InlineData("""[{"role":"system","content":"s","cache_control":{"type":"ephemeral"}},{"role":"user","content":"hi"}]""", "")]
    [InlineData("""[{"role":"system","content":"s"},{"role":"user","content":"hi"}]""",
        """ "tools":[{"type":"function","function":{"name":"a"},"cache_control":{"type":"ephemeral"}}] """)]
    public void Default_AddsNothing_WhenTheClientSentCacheControl_AndTheClientsOwnIsCarried(string messages, string extra)
    {
        var body = TranslateValid(Request(messages, extra.Trim()), Defaults);

        Assert.Equal(1, Count(body));
    }

    [Fact]
    public void ClientCacheControl_IsCarriedToTheBlockItMarks_WithoutInjection()
    {
        var body = TranslateValid(Request("""
            [{"role":"system","content":"long system","cache_control":{"type":"ephemeral"}},
             {"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/a.png"},"cache_control":{"type":"ephemeral"}},{"type":"text","text":"describe"}]}]
            """));

        AssertJsonEqual(Ephemeral, Control(body.GetProperty("system")[0]));
        var content = body.GetProperty("messages")[0].GetProperty("content");
        Assert.Equal("image", content[0].GetProperty("type").GetString());
        AssertJsonEqual(Ephemeral, Control(content[0]));
        Assert.False(content[1].TryGetProperty("cache_control", out _));
    }

    [Fact]
    public void WithoutTheDefaultAndWithoutPoints_NothingIsAdded()
    {
        var body = TranslateValid(Request(Conversation));

        Assert.Equal(0, Count(body));
    }
}
