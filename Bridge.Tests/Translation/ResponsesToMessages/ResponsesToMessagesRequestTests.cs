using System.Text.Json;
using Bridge.Gateway.Translation.OpenAIToAnthropic;
using Bridge.Gateway.Translation.ResponsesToMessages;
using Bridge.Tests.Infrastructure;
using static Bridge.Tests.Translation.ResponsesToMessages.ResponsesToMessagesTestHelpers;

namespace Bridge.Tests.Translation.ResponsesToMessages;

/// <summary>Responses requests (Codex's recorded ones and crafted ones) -> Anthropic Messages bodies, field by field.</summary>
public class ResponsesToMessagesRequestTests
{
    private static string Texts(JsonElement content) =>
        string.Join("|", content.EnumerateArray().Select(b => b.GetProperty("type").GetString() + ":" + (b.TryGetProperty("text", out var t) ? t.GetString()![..Math.Min(20, t.GetString()!.Length)] : "")));

    [Fact]
    public void Codex_text_request_becomes_system_one_user_turn_tools_thinking_and_stream()
    {
        var request = Fixtures.CodexRequest("codex-text");
        var (result, body) = TranslateValid(request);

        Assert.True(result.Stream);
        Assert.Equal("gpt-5.5", result.RequestedModel);
        Assert.Null(result.PreviousResponseId);
        Assert.Equal("claude-sonnet-4-5-20250929", body.GetProperty("model").GetString());
        Assert.True(body.GetProperty("stream").GetBoolean());

        // The two developer items (1 + 3 input_text parts) are the system prompt, in order.
        var developerTexts = request.GetProperty("input").EnumerateArray()
            .Where(i => i.GetProperty("role").GetString() == "developer")
            .SelectMany(i => i.GetProperty("content").EnumerateArray().Select(p => p.GetProperty("text").GetString()))
            .ToList();
        Assert.Equal(4, developerTexts.Count);
        Assert.Equal(developerTexts, body.GetProperty("system").EnumerateArray().Select(b => b.GetProperty("text").GetString()));

        // The two user items merge into one user turn (Anthropic requires alternation).
        var messages = body.GetProperty("messages");
        Assert.Equal(1, messages.GetArrayLength());
        Assert.Equal("user", messages[0].GetProperty("role").GetString());
        var userTexts = request.GetProperty("input").EnumerateArray()
            .Where(i => i.GetProperty("role").GetString() == "user")
            .Select(i => i.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(userTexts, messages[0].GetProperty("content").EnumerateArray().Select(b => b.GetProperty("text").GetString()));

        // reasoning.effort medium -> 4096, max_tokens raised past it (default 4096 + budget).
        Assert.Equal("enabled", body.GetProperty("thinking").GetProperty("type").GetString());
        Assert.Equal(4096, body.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
        Assert.Equal(8192, body.GetProperty("max_tokens").GetInt32());

        // Tools: 7 functions, apply_patch as a one-string tool; tool_search and web_search in cached mode
        // (external_web_access: false, no live fetches, which Anthropic's search cannot honour) dropped.
        var tools = body.GetProperty("tools").EnumerateArray().ToList();
        Assert.Equal(
            ["exec_command", "write_stdin", "request_user_input", "apply_patch", "view_image", "get_goal", "create_goal", "update_goal"],
            tools.Select(t => t.GetProperty("name").GetString()));
        var exec = request.GetProperty("tools")[0];
        Assert.Equal(exec.GetProperty("description").GetString(), tools[0].GetProperty("description").GetString());
        Assert.Equal(exec.GetProperty("parameters").GetRawText(), tools[0].GetProperty("input_schema").GetRawText());
        Assert.Equal(
            """{"type":"object","properties":{"input":{"type":"string"}},"required":["input"]}""",
            tools[3].GetProperty("input_schema").GetRawText());
        Assert.Equal(["apply_patch"], result.CustomTools);
        Assert.Equal(["tool_search", "web_search"], result.DroppedTools);
        Assert.Equal("auto", body.GetProperty("tool_choice").GetProperty("type").GetString());
        Assert.False(body.GetProperty("tool_choice").TryGetProperty("disable_parallel_tool_use", out _));

        // Responses-only state and telemetry never go upstream.
        foreach (var name in new[] { "store", "include", "prompt_cache_key", "client_metadata", "text", "input", "reasoning", "parallel_tool_calls", "metadata", "output_config" })
        {
            Assert.False(Has(body, name), name);
        }
    }

    [Fact]
    public void Codex_tool_call_request_with_live_web_search_gets_anthropics_search_tool()
    {
        // This session ran with live web access (external_web_access: true): web search is Anthropic's server tool.
        var (result, body) = TranslateValid(Fixtures.CodexRequest("codex-tool-call"));
        Assert.Equal(1, body.GetProperty("messages").GetArrayLength());
        Assert.Equal(4, body.GetProperty("system").GetArrayLength());
        Assert.Equal(9, body.GetProperty("tools").GetArrayLength());
        Assert.Equal("""{"type":"web_search_20250305","name":"web_search"}""", body.GetProperty("tools")[8].GetRawText());
        Assert.Equal(["tool_search"], result.DroppedTools);
    }

    [Fact]
    public void Codex_tool_result_request_pairs_the_call_and_its_output_and_drops_openai_reasoning()
    {
        var request = Fixtures.CodexRequest("codex-tool-result");
        var (_, body) = TranslateValid(request);

        var messages = body.GetProperty("messages");
        Assert.Equal(3, messages.GetArrayLength());
        Assert.Equal(["user", "assistant", "user"], messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()));

        // The reasoning item's encrypted_content is OpenAI's (enc-R-2): dropped; the call is the whole assistant turn.
        var assistant = messages[1].GetProperty("content");
        Assert.Equal(1, assistant.GetArrayLength());
        Assert.Equal("tool_use", assistant[0].GetProperty("type").GetString());
        Assert.Equal("call_mock2", assistant[0].GetProperty("id").GetString());
        Assert.Equal("exec_command", assistant[0].GetProperty("name").GetString());
        Assert.Equal("""{"cmd":"echo bridge-tool-ok"}""", assistant[0].GetProperty("input").GetRawText());

        var result = messages[2].GetProperty("content");
        Assert.Equal(1, result.GetArrayLength());
        Assert.Equal("tool_result", result[0].GetProperty("type").GetString());
        Assert.Equal("call_mock2", result[0].GetProperty("tool_use_id").GetString());
        Assert.Equal(request.GetProperty("input")[6].GetProperty("output").GetString(), result[0].GetProperty("content").GetString());

        // The last assistant turn has a tool call but no thinking block to return: thinking is left out, as Anthropic requires.
        Assert.False(Has(body, "thinking"));
        Assert.Equal(4096, body.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public void Bridge_reasoning_items_go_back_as_thinking_blocks_before_the_tool_call_and_keep_thinking_on()
    {
        var (_, body) = TranslateValid($$"""
            {"model":"m","reasoning":{"effort":"high"},"max_output_tokens":2000,"input":[
              {"type":"message","role":"user","content":[{"type":"input_text","text":"hi"}]},
              {"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"Let me think."}],"encrypted_content":"{{AnthropicThinkingItem.ThinkingPrefix}}SIG=="},
              {"type":"reasoning","id":"rs_2","summary":[],"encrypted_content":"{{AnthropicThinkingItem.RedactedPrefix}}DATA"},
              {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Running."}]},
              {"type":"custom_tool_call","call_id":"toolu_01A","name":"apply_patch","input":"*** Begin Patch\n*** End Patch\n"},
              {"type":"custom_tool_call_output","call_id":"toolu_01A","output":"Done!"}],
             "tools":[{"type":"custom","name":"apply_patch","description":"Patch files"}]}
            """);

        var assistant = body.GetProperty("messages")[1].GetProperty("content");
        Assert.Equal(
            """[{"type":"thinking","thinking":"Let me think.","signature":"SIG=="},{"type":"redacted_thinking","data":"DATA"},{"type":"text","text":"Running."},{"type":"tool_use","id":"toolu_01A","name":"apply_patch","input":{"input":"*** Begin Patch\n*** End Patch\n"}}]""",
            assistant.GetRawText());
        Assert.Equal(
            """[{"type":"tool_result","tool_use_id":"toolu_01A","content":"Done!"}]""",
            body.GetProperty("messages")[2].GetProperty("content").GetRawText());
        Assert.Equal(16384, body.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
        Assert.Equal(18384, body.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public void Interleaved_thinking_goes_back_in_the_order_anthropic_sent_it()
    {
        var (_, body) = TranslateValid($$"""
            {"model":"m","input":[
              {"role":"user","content":"go"},
              {"type":"reasoning","summary":[{"type":"summary_text","text":"A"}],"encrypted_content":"{{AnthropicThinkingItem.ThinkingPrefix}}S1"},
              {"type":"function_call","call_id":"toolu_1","name":"f","arguments":"{}"},
              {"type":"reasoning","summary":[{"type":"summary_text","text":"B"}],"encrypted_content":"{{AnthropicThinkingItem.ThinkingPrefix}}S2"},
              {"type":"function_call","call_id":"toolu_2","name":"f","arguments":"{}"},
              {"type":"function_call_output","call_id":"toolu_1","output":"1"},
              {"type":"function_call_output","call_id":"toolu_2","output":"2"}],
             "tools":[{"type":"function","name":"f"}]}
            """);

        Assert.Equal(
            ["thinking:S1", "tool_use:toolu_1", "thinking:S2", "tool_use:toolu_2"],
            body.GetProperty("messages")[1].GetProperty("content").EnumerateArray()
                .Select(b => b.GetProperty("type").GetString() + ":" + (b.TryGetProperty("signature", out var sig) ? sig : b.GetProperty("id")).GetString()));
    }

    [Fact]
    public void Instructions_and_system_items_form_the_system_prompt_and_do_not_split_turns()
    {
        var (_, body) = TranslateValid("""
            {"model":"m","instructions":"Be brief.","input":[
              {"role":"user","content":"one"},
              {"type":"message","role":"system","content":"Mid system."},
              {"role":"user","content":[{"type":"input_text","text":"two"},{"type":"input_image","image_url":"data:image/png;base64,iVBORw0KGgo="}]},
              {"role":"assistant","content":"answer"},
              {"type":"function_call","call_id":"call 1","name":"f","arguments":""},
              {"type":"function_call_output","call_id":"call 1","output":[{"type":"input_text","text":"out"}]},
              {"role":"user","content":"next"}],
             "tools":[{"type":"function","name":"f","parameters":{}}]}
            """);

        Assert.Equal("""[{"type":"text","text":"Be brief."},{"type":"text","text":"Mid system."}]""", body.GetProperty("system").GetRawText());
        var messages = body.GetProperty("messages");
        Assert.Equal(3, messages.GetArrayLength());
        Assert.Equal("text:one|text:two|image:", Texts(messages[0].GetProperty("content")));
        Assert.Equal("base64", messages[0].GetProperty("content")[2].GetProperty("source").GetProperty("type").GetString());
        Assert.Equal("image/png", messages[0].GetProperty("content")[2].GetProperty("source").GetProperty("media_type").GetString());

        // A call id with characters Anthropic rejects is encoded, the same way for the call and its output.
        var toolUse = messages[1].GetProperty("content")[1];
        Assert.StartsWith("toolu_bridgex_", toolUse.GetProperty("id").GetString());
        Assert.Equal("{}", toolUse.GetProperty("input").GetRawText());
        var userTurn = messages[2].GetProperty("content");
        Assert.Equal(toolUse.GetProperty("id").GetString(), userTurn[0].GetProperty("tool_use_id").GetString());
        Assert.Equal("""[{"type":"text","text":"out"}]""", userTurn[0].GetProperty("content").GetRawText());
        Assert.Equal("text", userTurn[1].GetProperty("type").GetString());
        Assert.Equal("""{"type":"object","properties":{}}""", body.GetProperty("tools")[0].GetProperty("input_schema").GetRawText());
    }

    [Fact]
    public void String_input_is_one_user_message_and_an_assistant_first_conversation_gets_a_user_turn()
    {
        var (_, body) = TranslateValid("""{"model":"m","input":"hello"}""");
        Assert.Equal("""[{"role":"user","content":[{"type":"text","text":"hello"}]}]""", body.GetProperty("messages").GetRawText());
        Assert.Equal(4096, body.GetProperty("max_tokens").GetInt32());

        (_, body) = TranslateValid("""{"model":"m","input":[{"role":"assistant","content":"I start."},{"role":"user","content":"ok"}]}""");
        Assert.Equal(["user", "assistant", "user"], body.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()));
    }

    [Fact]
    public void Parameters_map_to_their_anthropic_counterparts()
    {
        var (result, body) = TranslateValid("""
            {"model":"m","input":"x","max_output_tokens":300,"temperature":1.5,"top_p":0.5,"user":"u-1","safety_identifier":"s-1",
             "previous_response_id":"resp_prev","parallel_tool_calls":false,"tool_choice":{"type":"function","name":"f"},
             "tools":[{"type":"function","name":"f","description":"d","parameters":{"type":"object","properties":{"a":{"type":"string"}}}},
                      {"type":"web_search","filters":{"allowed_domains":["example.com"]},"user_location":{"type":"approximate","country":"FR","city":"Paris"}},
                      {"type":"file_search","vector_store_ids":["vs_1"]}],
             "text":{"format":{"type":"json_schema","name":"out","schema":{"type":"object","properties":{}},"strict":true},"verbosity":"high"}}
            """);

        Assert.Equal("resp_prev", result.PreviousResponseId);
        Assert.Equal(300, body.GetProperty("max_tokens").GetInt32());
        Assert.Equal(1, body.GetProperty("temperature").GetDouble());
        Assert.False(Has(body, "top_p"));
        Assert.Equal("""{"user_id":"u-1"}""", body.GetProperty("metadata").GetRawText());
        Assert.Equal("""{"type":"tool","name":"f","disable_parallel_tool_use":true}""", body.GetProperty("tool_choice").GetRawText());
        Assert.Equal(
            """{"type":"web_search_20250305","name":"web_search","allowed_domains":["example.com"],"user_location":{"type":"approximate","city":"Paris","country":"FR"}}""",
            body.GetProperty("tools")[1].GetRawText());
        Assert.Equal(["file_search"], result.DroppedTools);
        Assert.Equal("""{"format":{"type":"json_schema","schema":{"type":"object","properties":{}}}}""", body.GetProperty("output_config").GetRawText());
    }

    [Fact]
    public void Effort_with_a_forced_tool_or_none_sends_no_thinking_and_the_cap_limits_max_tokens()
    {
        var (_, body) = TranslateValid("""{"model":"m","input":"x","reasoning":{"effort":"none"},"temperature":0.2}""");
        Assert.False(Has(body, "thinking"));
        Assert.Equal(0.2, body.GetProperty("temperature").GetDouble());

        (_, body) = TranslateValid("""{"model":"m","input":"x","reasoning":{"effort":"low"},"tool_choice":"required","tools":[{"type":"function","name":"f"}]}""");
        Assert.False(Has(body, "thinking"));
        Assert.Equal("any", body.GetProperty("tool_choice").GetProperty("type").GetString());

        (_, body) = TranslateValid(
            """{"model":"m","input":"x","reasoning":{"effort":"xhigh"},"temperature":0.3}""",
            new AnthropicTarget { Model = "c", MaxOutputTokens = 20000 });
        Assert.Equal(20000, body.GetProperty("max_tokens").GetInt32());
        Assert.Equal(10000, body.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
        Assert.False(Has(body, "temperature"));
    }

    [Fact]
    public void Deployment_defaults_fill_what_the_client_left_out()
    {
        var target = Claude with
        {
            DefaultParams = new Dictionary<string, JsonElement>
            {
                ["reasoning_effort"] = TranslationTestHelpers.Json("\"low\""),
                ["max_completion_tokens"] = TranslationTestHelpers.Json("3000"),
                ["top_k"] = TranslationTestHelpers.Json("5"),
            },
        };

        var (_, body) = TranslateValid("""{"model":"m","input":"x"}""", target);
        Assert.Equal(1024, body.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
        Assert.Equal(3000, body.GetProperty("max_tokens").GetInt32());
        Assert.False(Has(body, "top_k"));

        // The client's own choices win; top_k goes out once thinking is off.
        (_, body) = TranslateValid("""{"model":"m","input":"x","reasoning":{"effort":"none"},"max_output_tokens":100}""", target);
        Assert.False(Has(body, "thinking"));
        Assert.Equal(100, body.GetProperty("max_tokens").GetInt32());
        Assert.Equal(5, body.GetProperty("top_k").GetInt32());
    }

    [Fact]
    public void Hosted_tool_records_are_dropped_and_items_without_an_anthropic_form_refused()
    {
        var (_, body) = TranslateValid("""
            {"model":"m","input":[{"role":"user","content":"find it"},{"type":"web_search_call","id":"ws_1","status":"completed"},
              {"role":"assistant","content":[{"type":"output_text","text":"Found."}]}]}
            """);
        Assert.Equal(["user", "assistant"], body.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()));

        Assert.Equal("input[1]", Error("""{"model":"m","input":[{"role":"user","content":"x"},{"type":"item_reference","id":"msg_1"}]}""").ErrorParam);
        Assert.Equal("input[0]", Error("""{"model":"m","input":[{"type":"local_shell_call","call_id":"c","action":{}}]}""").ErrorParam);
    }

    [Fact]
    public void Invalid_and_unsupported_requests_are_refused_with_the_param()
    {
        Assert.Equal("input", Error("""{"model":"m"}""").ErrorParam);
        Assert.Equal("reasoning.effort", Error("""{"model":"m","input":"x","reasoning":{"effort":"max"}}""").ErrorParam);
        Assert.Equal("input[0].arguments", Error("""{"model":"m","input":[{"type":"function_call","call_id":"c","name":"f","arguments":"{nope"}]}""").ErrorParam);
        Assert.Equal("input[0].content[0].image_url", Error("""{"model":"m","input":[{"role":"user","content":[{"type":"input_image","file_id":"file_1"}]}]}""").ErrorParam);
        Assert.Equal("conversation", Error("""{"model":"m","input":"x","conversation":"conv_1"}""").ErrorParam);
        Assert.Equal("frobnicate", Error("""{"model":"m","input":"x","frobnicate":1}""").ErrorParam);
        Assert.True(Translate(TranslationTestHelpers.Json("""{"model":"m","input":"x","frobnicate":1}"""), Claude with { DropParams = true }).Result.Ok);
    }
}
