using System.Text.Json;
using Bridge.Tests.Infrastructure;
using static Bridge.Tests.Translation.ResponsesToChat.ResponsesToChatTestHelpers;

namespace Bridge.Tests.Translation.ResponsesToChat;

/// <summary>The recorded Codex CLI requests (Bridge.Tests/Fixtures/codex/) translated to Chat Completions, field by field.</summary>
public class ResponsesToChatRequestFixtureTests
{
    private static readonly string[] CodexFunctionTools =
        ["exec_command", "write_stdin", "request_user_input", "apply_patch", "view_image", "get_goal", "create_goal", "update_goal"];

    [Theory]
    [InlineData("codex-text")]
    [InlineData("codex-tool-call")]
    [InlineData("codex-tool-result")]
    public void Top_level_parameters_map_and_Responses_state_is_not_sent(string name)
    {
        var request = Fixtures.CodexRequest(name);
        var (result, body) = TranslateOk(request);

        Assert.Equal("gpt-5.5", result.RequestedModel);
        Assert.True(result.Stream);
        Assert.Null(result.PreviousResponseId);
        Assert.Equal("gpt-5.2", body.GetProperty("model").GetString());
        Assert.True(body.GetProperty("stream").GetBoolean());
        Assert.True(body.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.Equal("medium", body.GetProperty("reasoning_effort").GetString());
        Assert.Equal("low", body.GetProperty("verbosity").GetString());
        Assert.Equal("auto", body.GetProperty("tool_choice").GetString());
        Assert.True(body.GetProperty("parallel_tool_calls").GetBoolean());
        Assert.Equal(request.GetProperty("prompt_cache_key").GetString(), body.GetProperty("prompt_cache_key").GetString());
        foreach (var responsesOnly in new[] { "store", "include", "client_metadata", "input", "reasoning", "text", "instructions" })
        {
            Assert.False(Has(body, responsesOnly), responsesOnly);
        }

        // No output limit in the request and no cap on the deployment: none is invented.
        Assert.False(Has(body, "max_completion_tokens"));
        Assert.False(Has(body, "max_tokens"));
    }

    [Theory]
    [InlineData("codex-text")]
    [InlineData("codex-tool-result")]
    public void Tools_become_functions_custom_apply_patch_gets_one_string_parameter_and_hosted_tools_are_dropped(string name)
    {
        var request = Fixtures.CodexRequest(name);
        var (result, body) = TranslateOk(request);

        var tools = body.GetProperty("tools").EnumerateArray().ToList();
        Assert.Equal(CodexFunctionTools, tools.Select(t => t.GetProperty("function").GetProperty("name").GetString()));
        Assert.All(tools, t => Assert.Equal("function", t.GetProperty("type").GetString()));
        Assert.Equal(["tool_search", "web_search"], result.DroppedTools);
        Assert.Equal(["apply_patch"], result.CustomTools);

        // A function tool: the flat Responses shape nested under "function", schema and strict unchanged.
        var exec = tools[0].GetProperty("function");
        var original = request.GetProperty("tools")[0];
        Assert.Equal(original.GetProperty("description").GetString(), exec.GetProperty("description").GetString());
        Assert.Equal(original.GetProperty("parameters").GetRawText(), exec.GetProperty("parameters").GetRawText());
        Assert.False(exec.GetProperty("strict").GetBoolean());

        // The free-form apply_patch: {input: string}, its lark grammar in the parameter's description.
        var patch = tools[3].GetProperty("function");
        var customTool = request.GetProperty("tools")[3];
        Assert.Equal(customTool.GetProperty("description").GetString(), patch.GetProperty("description").GetString());
        var parameters = patch.GetProperty("parameters");
        Assert.Equal("object", parameters.GetProperty("type").GetString());
        Assert.Equal(["input"], parameters.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.False(parameters.GetProperty("additionalProperties").GetBoolean());
        var input = parameters.GetProperty("properties").GetProperty("input");
        Assert.Equal("string", input.GetProperty("type").GetString());
        Assert.Contains("lark grammar:\n", input.GetProperty("description").GetString());
        Assert.EndsWith(customTool.GetProperty("format").GetProperty("definition").GetString()!, input.GetProperty("description").GetString());
    }

    [Fact]
    public void Text_turn_developer_items_stay_developer_messages_and_user_parts_become_text_parts()
    {
        var request = Fixtures.CodexRequest("codex-text");
        var (_, body) = TranslateOk(request);

        var messages = body.GetProperty("messages").EnumerateArray().ToList();
        var items = request.GetProperty("input").EnumerateArray().ToList();
        Assert.Equal(["developer", "developer", "user", "user"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal(items[0].GetProperty("content")[0].GetProperty("text").GetString(), messages[0].GetProperty("content").GetString());
        // Several text parts of one developer item (Codex's skills, permissions, ... sections): one string, blank line between.
        var parts = items[1].GetProperty("content").EnumerateArray().Select(p => p.GetProperty("text").GetString()).ToList();
        Assert.True(parts.Count > 1);
        Assert.Equal(string.Join("\n\n", parts), messages[1].GetProperty("content").GetString());
        var last = messages[3].GetProperty("content");
        Assert.Equal(JsonValueKind.Array, last.ValueKind);
        Assert.Equal("text", last[0].GetProperty("type").GetString());
        Assert.Equal("say hello", last[0].GetProperty("text").GetString());
    }

    [Fact]
    public void Tool_result_turn_pairs_the_function_call_with_its_output_and_drops_the_reasoning_item()
    {
        var request = Fixtures.CodexRequest("codex-tool-result");
        Assert.Contains(request.GetProperty("input").EnumerateArray(), i => i.GetProperty("type").GetString() == "reasoning");
        var (_, body) = TranslateOk(request);

        var messages = body.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["developer", "developer", "user", "user", "assistant", "tool"], messages.Select(m => m.GetProperty("role").GetString()));

        var assistant = messages[4];
        Assert.Equal(JsonValueKind.Null, assistant.GetProperty("content").ValueKind);
        var call = Assert.Single(assistant.GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("call_mock2", call.GetProperty("id").GetString());
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.Equal("exec_command", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("{\"cmd\":\"echo bridge-tool-ok\"}", call.GetProperty("function").GetProperty("arguments").GetString());

        var tool = messages[5];
        Assert.Equal("call_mock2", tool.GetProperty("tool_call_id").GetString());
        Assert.StartsWith("Chunk ID: 6d37cc\n", tool.GetProperty("content").GetString());
        Assert.EndsWith("Output:\nbridge-tool-ok\n", tool.GetProperty("content").GetString());

        // The encrypted reasoning is nowhere in the Chat body.
        Assert.DoesNotContain("enc-R-2", body.GetRawText());
        Assert.DoesNotContain("Thinking about it.", body.GetRawText());
    }

    [Fact]
    public void Non_reasoning_deployment_gets_system_role_and_no_reasoning_parameters()
    {
        var (_, body) = TranslateOk(Fixtures.CodexRequest("codex-tool-call"), Gpt41);

        var messages = body.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["system", "system", "user", "user"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.False(Has(body, "reasoning_effort"));
        Assert.False(Has(body, "verbosity"));
    }
}
