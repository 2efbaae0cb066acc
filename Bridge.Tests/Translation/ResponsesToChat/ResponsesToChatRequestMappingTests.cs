using System.Text.Json;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.ResponsesToChat;
using static Bridge.Tests.Translation.ResponsesToChat.ResponsesToChatTestHelpers;

namespace Bridge.Tests.Translation.ResponsesToChat;

/// <summary>Responses request fields -> Chat Completions fields, one mapping per test.</summary>
public class ResponsesToChatRequestMappingTests
{
    private static List<JsonElement> Messages(JsonElement body) => body.GetProperty("messages").EnumerateArray().ToList();

    [Fact]
    public void Instructions_lead_as_developer_on_reasoning_deployments_and_system_elsewhere_and_string_input_is_a_user_message()
    {
        const string request = """{"model":"m","instructions":"Be brief.","input":"hi"}""";
        var (_, reasoning) = TranslateOk(request);
        var (_, plain) = TranslateOk(request, Gpt41);

        Assert.Equal("""[{"role":"developer","content":"Be brief."},{"role":"user","content":"hi"}]""", reasoning.GetProperty("messages").GetRawText());
        Assert.Equal("""[{"role":"system","content":"Be brief."},{"role":"user","content":"hi"}]""", plain.GetProperty("messages").GetRawText());
        Assert.False(Has(reasoning, "stream"));
        Assert.False(Has(reasoning, "stream_options"));
    }

    [Fact]
    public void Assistant_message_and_consecutive_calls_merge_into_one_assistant_message_and_reasoning_items_are_dropped()
    {
        var (_, body) = TranslateOk("""
            {"model":"m","input":[
              {"role":"user","content":"list and count"},
              {"type":"reasoning","id":"rs_1","summary":[],"encrypted_content":"gAAA"},
              {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Running "},{"type":"output_text","text":"both."}]},
              {"type":"function_call","call_id":"call_a","name":"ls","arguments":"{}"},
              {"type":"reasoning","id":"rs_2","summary":[{"type":"summary_text","text":"x"}]},
              {"type":"function_call","call_id":"call_b","name":"wc","arguments":"{\"path\":\"a\"}"},
              {"type":"function_call_output","call_id":"call_b","output":"3"},
              {"type":"function_call_output","call_id":"call_a","output":[{"type":"input_text","text":"a"},{"type":"input_text","text":"b"}]},
              {"type":"message","role":"assistant","content":[{"type":"output_text","text":"a and b, 3 lines."}]}
            ]}
            """);

        var messages = Messages(body);
        Assert.Equal(["user", "assistant", "tool", "tool", "assistant"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("Running both.", messages[1].GetProperty("content").GetString());
        Assert.Equal(
            """[{"id":"call_a","type":"function","function":{"name":"ls","arguments":"{}"}},{"id":"call_b","type":"function","function":{"name":"wc","arguments":"{\"path\":\"a\"}"}}]""",
            messages[1].GetProperty("tool_calls").GetRawText());
        Assert.Equal("""{"role":"tool","tool_call_id":"call_b","content":"3"}""", messages[2].GetRawText());
        Assert.Equal("""{"role":"tool","tool_call_id":"call_a","content":"a\nb"}""", messages[3].GetRawText());
        Assert.Equal("a and b, 3 lines.", messages[4].GetProperty("content").GetString());
        Assert.DoesNotContain("gAAA", body.GetRawText());
    }

    [Fact]
    public void Custom_tool_call_and_its_output_become_a_function_call_with_the_input_as_its_single_argument()
    {
        const string patch = "*** Begin Patch\n*** Add File: a.txt\n+hello \"world\"\n*** End Patch\n";
        var (result, body) = TranslateOk($$"""
            {"model":"m","tools":[{"type":"custom","name":"apply_patch","description":"Edit files."}],"input":[
              {"role":"user","content":"add a.txt"},
              {"type":"custom_tool_call","call_id":"call_p","name":"apply_patch","input":{{JsonSerializer.Serialize(patch)}}},
              {"type":"custom_tool_call_output","call_id":"call_p","output":"Done!"}
            ]}
            """);

        var messages = Messages(body);
        var call = Assert.Single(messages[1].GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("apply_patch", call.GetProperty("function").GetProperty("name").GetString());
        var arguments = call.GetProperty("function").GetProperty("arguments").GetString()!;
        using (var parsed = JsonDocument.Parse(arguments))
        {
            Assert.Equal(patch, Assert.Single(parsed.RootElement.EnumerateObject(), p => p.Name == "input").Value.GetString());
        }

        Assert.Equal(patch, CustomToolInput.DecodeArguments(arguments));
        Assert.Equal("""{"role":"tool","tool_call_id":"call_p","content":"Done!"}""", messages[2].GetRawText());
        Assert.Equal(["apply_patch"], result.CustomTools);
        var parameters = body.GetProperty("tools")[0].GetProperty("function").GetProperty("parameters");
        Assert.Equal("The tool's free-form input, passed to it verbatim.", parameters.GetProperty("properties").GetProperty("input").GetProperty("description").GetString());
    }

    [Fact]
    public void Images_in_a_tool_output_go_to_a_user_message_after_the_tool_messages()
    {
        var (_, body) = TranslateOk("""
            {"model":"m","input":[
              {"role":"user","content":[{"type":"input_text","text":"look"},{"type":"input_image","image_url":"https://x/a.png","detail":"low"}]},
              {"type":"function_call","call_id":"call_v","name":"view_image","arguments":"{\"path\":\"b.png\"}"},
              {"type":"function_call_output","call_id":"call_v","output":[{"type":"input_image","image_url":"data:image/png;base64,iVBO"}]},
              {"role":"user","content":"and?"}
            ]}
            """);

        var messages = Messages(body);
        Assert.Equal(["user", "assistant", "tool", "user", "user"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal(
            """[{"type":"text","text":"look"},{"type":"image_url","image_url":{"url":"https://x/a.png","detail":"low"}}]""",
            messages[0].GetProperty("content").GetRawText());
        Assert.Equal("[the tool output's images/files are attached in the next user message]", messages[2].GetProperty("content").GetString());
        Assert.Equal("""[{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBO"}}]""", messages[3].GetProperty("content").GetRawText());
        Assert.Equal("and?", messages[4].GetProperty("content").GetString());
    }

    [Theory]
    [InlineData(true, null, 500, "max_completion_tokens", 500)]
    [InlineData(false, null, 500, "max_tokens", 500)]
    [InlineData(true, 300, 500, "max_completion_tokens", 300)]
    [InlineData(true, 800, 500, "max_completion_tokens", 500)]
    [InlineData(true, 300, null, "max_completion_tokens", 300)]
    public void Max_output_tokens_is_sent_under_the_deployments_name_and_capped(bool reasoning, int? cap, int? requested, string key, int expected)
    {
        var target = new OpenAITarget { Model = reasoning ? "gpt-5.2" : "gpt-4.1", IsReasoningModel = reasoning, MaxOutputTokens = cap };
        var limit = requested is int r ? $",\"max_output_tokens\":{r}" : "";
        var (_, body) = TranslateOk($$"""{"model":"m","input":"hi"{{limit}}}""", target);

        Assert.Equal(expected, body.GetProperty(key).GetInt32());
        Assert.False(Has(body, key == "max_tokens" ? "max_completion_tokens" : "max_tokens"));
    }

    [Fact]
    public void Sampling_passes_to_chat_deployments_and_reasoning_deployments_only_get_temperature_1()
    {
        const string request = """{"model":"m","input":"hi","temperature":0.2,"top_p":0.9,"reasoning":{"effort":"high","summary":"auto"}}""";
        var (_, plain) = TranslateOk(request, Gpt41);
        var (_, reasoning) = TranslateOk(request);
        var (_, one) = TranslateOk("""{"model":"m","input":"hi","temperature":1}""");

        Assert.Equal(0.2, plain.GetProperty("temperature").GetDouble());
        Assert.Equal(0.9, plain.GetProperty("top_p").GetDouble());
        Assert.False(Has(plain, "reasoning_effort"));
        Assert.False(Has(reasoning, "temperature"));
        Assert.False(Has(reasoning, "top_p"));
        Assert.Equal("high", reasoning.GetProperty("reasoning_effort").GetString());
        Assert.Equal(1, one.GetProperty("temperature").GetDouble());
    }

    [Fact]
    public void Verbosity_goes_only_to_gpt5_family_deployments()
    {
        const string request = """{"model":"m","input":"hi","text":{"verbosity":"high"}}""";
        Assert.Equal("high", TranslateOk(request).Body.GetProperty("verbosity").GetString());
        Assert.False(Has(TranslateOk(request, new OpenAITarget { Model = "o3", IsReasoningModel = true }).Body, "verbosity"));
        Assert.False(Has(TranslateOk(request, Gpt41).Body, "verbosity"));
    }

    [Fact]
    public void Text_format_json_schema_is_nested_into_response_format()
    {
        var (_, body) = TranslateOk("""
            {"model":"m","input":"hi","text":{"format":{"type":"json_schema","name":"answer","strict":true,"schema":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":false}}}}
            """);
        Assert.Equal(
            """{"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":false},"strict":true}}""",
            body.GetProperty("response_format").GetRawText());

        Assert.Equal("""{"type":"json_object"}""", TranslateOk("""{"model":"m","input":"hi","text":{"format":{"type":"json_object"}}}""").Body.GetProperty("response_format").GetRawText());
        Assert.False(Has(TranslateOk("""{"model":"m","input":"hi","text":{"format":{"type":"text"}}}""").Body, "response_format"));
    }

    [Theory]
    [InlineData("\"required\"", "\"required\"")]
    [InlineData("""{"type":"function","name":"ls"}""", """{"type":"function","function":{"name":"ls"}}""")]
    [InlineData("""{"type":"custom","name":"apply_patch"}""", """{"type":"function","function":{"name":"apply_patch"}}""")]
    [InlineData("""{"type":"allowed_tools","mode":"required","tools":[{"type":"function","name":"ls"}]}""", "\"required\"")]
    [InlineData("""{"type":"web_search"}""", null)]
    public void Tool_choice_maps_to_chat_form(string choice, string? expected)
    {
        var (_, body) = TranslateOk($$$$"""
            {"model":"m","input":"hi","tool_choice":{{{{choice}}}},"parallel_tool_calls":false,
             "tools":[{"type":"function","name":"ls","parameters":{"type":"object","properties":{}}},{"type":"custom","name":"apply_patch"},{"type":"web_search"}]}
            """);

        if (expected is null)
        {
            Assert.False(Has(body, "tool_choice"));
        }
        else
        {
            Assert.Equal(expected, body.GetProperty("tool_choice").GetRawText());
        }

        Assert.False(body.GetProperty("parallel_tool_calls").GetBoolean());
    }

    [Fact]
    public void Without_any_tool_left_tool_choice_and_parallel_tool_calls_are_not_sent()
    {
        var (result, body) = TranslateOk("""{"model":"m","input":"hi","tools":[{"type":"web_search"},{"type":"mcp","server_label":"x"},{"type":"namespace","name":"ns"}],"tool_choice":"required","parallel_tool_calls":true}""");

        Assert.False(Has(body, "tools"));
        Assert.False(Has(body, "tool_choice"));
        Assert.False(Has(body, "parallel_tool_calls"));
        Assert.Equal(["web_search", "mcp", "ns (namespace)"], result.DroppedTools);
    }

    [Fact]
    public void Previous_response_id_is_returned_not_sent_and_identifiers_pass()
    {
        var (result, body) = TranslateOk("""
            {"model":"m","input":"hi","previous_response_id":"resp_123","store":true,"metadata":{"a":"b"},"truncation":"auto",
             "safety_identifier":"u-1","user":"legacy","prompt_cache_key":"k","service_tier":"flex","seed":7}
            """);

        Assert.Equal("resp_123", result.PreviousResponseId);
        foreach (var absent in new[] { "previous_response_id", "store", "metadata", "truncation" })
        {
            Assert.False(Has(body, absent), absent);
        }

        Assert.Equal("u-1", body.GetProperty("safety_identifier").GetString());
        Assert.Equal("legacy", body.GetProperty("user").GetString());
        Assert.Equal("k", body.GetProperty("prompt_cache_key").GetString());
        Assert.Equal("flex", body.GetProperty("service_tier").GetString());
        Assert.Equal(7, body.GetProperty("seed").GetInt32()); // unknown keys pass, as on the other paths
        Assert.False(Has(TranslateOk("""{"model":"m","input":"hi","seed":7}""", Gpt5 with { DropParams = true }).Body, "seed"));
    }

    [Fact]
    public void Additional_drop_params_and_defaults_apply()
    {
        var target = Gpt41 with
        {
            AdditionalDropParams = ["prompt_cache_key"],
            DefaultParams = new Dictionary<string, JsonElement> { ["temperature"] = TranslationTestHelpers.Json("0.5"), ["seed"] = TranslationTestHelpers.Json("3") },
        };
        var (_, body) = TranslateOk("""{"model":"m","input":"hi","prompt_cache_key":"k","temperature":0.1}""", target);

        Assert.False(Has(body, "prompt_cache_key"));
        Assert.Equal(0.1, body.GetProperty("temperature").GetDouble());
        Assert.Equal(3, body.GetProperty("seed").GetInt32());
    }

    [Theory]
    [InlineData("""{"model":"m"}""", "input")]
    [InlineData("""{"input":"hi"}""", "model")]
    [InlineData("""{"model":"m","input":[{"type":"function_call_output","call_id":"call_x","output":"1"}]}""", "input[0].call_id")]
    [InlineData("""{"model":"m","input":[{"type":"function_call","call_id":"call_x","name":"ls","arguments":"{}"},{"role":"user","content":"next"}]}""", "input[1]")]
    [InlineData("""{"model":"m","input":[{"type":"function_call","call_id":"call_x","name":"ls","arguments":"{}"}]}""", "input")]
    [InlineData("""{"model":"m","input":[{"type":"item_reference","id":"msg_1"}]}""", "input[0].type")]
    [InlineData("""{"model":"m","input":[{"type":"local_shell_call","id":"x"}]}""", "input[0].type")]
    [InlineData("""{"model":"m","input":[{"role":"user","content":[{"type":"input_image","file_id":"file-1"}]}]}""", "input[0].content[0].image_url")]
    [InlineData("""{"model":"m","input":"hi","conversation":"conv_1"}""", "conversation")]
    [InlineData("""{"model":"m","input":"hi","background":true}""", "background")]
    [InlineData("""{"model":"m","input":"hi","max_output_tokens":0}""", "max_output_tokens")]
    public void Requests_chat_cannot_serve_are_refused_naming_the_field(string request, string param)
    {
        var result = Error(request);
        Assert.Equal(param, result.ErrorParam);
        Assert.False(string.IsNullOrEmpty(result.ErrorMessage));
    }

    [Fact]
    public void Hosted_call_records_from_a_responses_deployment_are_left_out()
    {
        var (_, body) = TranslateOk("""
            {"model":"m","input":[
              {"role":"user","content":"news?"},
              {"type":"web_search_call","id":"ws_1","status":"completed","action":{"type":"search","query":"news"}},
              {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Nothing new."}]},
              {"role":"user","content":"ok"}
            ]}
            """);

        Assert.Equal(["user", "assistant", "user"], Messages(body).Select(m => m.GetProperty("role").GetString()));
    }
}
