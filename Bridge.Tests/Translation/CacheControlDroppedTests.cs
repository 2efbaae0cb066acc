using System.Text.Json;
using ChatTranslation = Bridge.Tests.Translation.TranslationTestHelpers;
using ResponsesTranslation = Bridge.Tests.Translation.AnthropicToResponses.ResponsesTestHelpers;

namespace Bridge.Tests.Translation;

/// <summary>
/// An Anthropic client's cache breakpoints mean nothing to an OpenAI-format upstream (it caches prefixes by itself,
/// steered by prompt_cache_key): every cache_control, wherever Claude Code puts one, is left out of the Chat
/// Completions and Responses bodies, and the rest of each block still arrives.
/// </summary>
public class CacheControlDroppedTests
{
    private const string Marked = """
        {"model":"claude-sonnet-4-5","max_tokens":100,"cache_control":{"type":"ephemeral"},
         "system":[{"type":"text","text":"You are Claude Code.","cache_control":{"type":"ephemeral","ttl":"1h"}}],
         "tools":[{"name":"Bash","description":"Run","input_schema":{"type":"object","properties":{}},"cache_control":{"type":"ephemeral"}}],
         "messages":[
           {"role":"user","content":[{"type":"text","text":"list","cache_control":{"type":"ephemeral"}},
             {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="},"cache_control":{"type":"ephemeral"}}]},
           {"role":"assistant","content":[{"type":"text","text":"Running."},{"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"ls"},"cache_control":{"type":"ephemeral"}}]},
           {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"a.txt","cache_control":{"type":"ephemeral"}}],"cache_control":{"type":"ephemeral"}},
             {"type":"text","text":"go on","cache_control":{"type":"ephemeral"}}]}]}
        """;

    [Fact]
    public void ChatCompletionsBody_HasNoCacheControl_AndKeepsTheContent()
    {
        var body = ChatTranslation.TranslateOk(Marked).GetRawText();

        Assert.DoesNotContain("cache_control", body, StringComparison.Ordinal);
        Assert.DoesNotContain("ttl", body, StringComparison.Ordinal);
        foreach (var text in new[] { "You are Claude Code.", "list", "iVBORw0KGgo=", "Running.", "a.txt", "go on", "\"Bash\"" })
        {
            Assert.Contains(text, body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ResponsesBody_HasNoCacheControl_AndKeepsTheContent()
    {
        var body = ResponsesTranslation.TranslateOk(Marked).GetRawText();

        Assert.DoesNotContain("cache_control", body, StringComparison.Ordinal);
        Assert.DoesNotContain("ttl", body, StringComparison.Ordinal);
        foreach (var text in new[] { "You are Claude Code.", "list", "iVBORw0KGgo=", "Running.", "a.txt", "go on", "\"Bash\"" })
        {
            Assert.Contains(text, body, StringComparison.Ordinal);
        }
    }
}
