using System.Text.Json;
using Bridge.Gateway.Translation;
using static Bridge.Tests.Translation.ChatToResponses.ChatToResponsesTestHelpers;

namespace Bridge.Tests.Translation.ChatToResponses;

/// <summary>Chat Completions request -> Responses request: each decision of docs/translation.md section 9.</summary>
public class ChatToResponsesRequestMappingTests
{
    private static List<JsonElement> Input(JsonElement body) => body.GetProperty("input").EnumerateArray().ToList();

    [Fact]
    public void Leading_system_and_developer_messages_become_instructions_later_ones_stay_in_place()
    {
        var (_, body) = TranslateOk(Request("""
            [{"role":"system","content":"Be brief."},
             {"role":"developer","content":[{"type":"text","text":"Use "},{"type":"text","text":"French."}]},
             {"role":"user","content":"hi"},
             {"role":"developer","content":"Now English."},
             {"role":"user","content":"again"}]
            """));

        Assert.Equal("Be brief.\n\nUse French.", body.GetProperty("instructions").GetString());
        var input = Input(body);
        Assert.Equal(3, input.Count);
        AssertJsonEqual("""{"type":"message","role":"developer","content":"Now English."}""", input[1]);
    }

    [Fact]
    public void User_parts_become_input_text_image_and_file()
    {
        var (_, body) = TranslateOk(Request("""
            [{"role":"user","content":[
              {"type":"text","text":"look"},
              {"type":"image_url","image_url":{"url":"https://example.com/a.png","detail":"high"}},
              {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}},
              {"type":"file","file":{"file_data":"data:application/pdf;base64,JVBE","filename":"a.pdf"}},
              {"type":"file","file":{"file_id":"file-123"}}]}]
            """));

        AssertJsonEqual(
            """
            [{"type":"message","role":"user","content":[
              {"type":"input_text","text":"look"},
              {"type":"input_image","image_url":"https://example.com/a.png","detail":"high"},
              {"type":"input_image","image_url":"data:image/png;base64,AAAA","detail":"auto"},
              {"type":"input_file","file_data":"data:application/pdf;base64,JVBE","filename":"a.pdf"},
              {"type":"input_file","file_id":"file-123"}]}]
            """,
            body.GetProperty("input"));
    }

    [Fact]
    public void Audio_input_is_a_400_naming_the_part()
    {
        var (message, param) = Fail(Request("""[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}]}]"""));

        Assert.Equal("messages[0].content[0]", param);
        Assert.Contains("audio", message);
    }

    [Fact]
    public void Assistant_text_refusal_and_tool_calls_become_a_message_then_function_calls_and_reasoning_content_is_not_sent()
    {
        var (_, body) = TranslateOk(Request("""
            [{"role":"user","content":"hi"},
             {"role":"assistant","content":"Checking.","reasoning_content":"I should call both tools.","tool_calls":[
               {"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
               {"id":"call_b","type":"custom","custom":{"name":"apply_patch","input":"*** Begin Patch"}}]},
             {"role":"tool","tool_call_id":"call_a","content":[{"type":"text","text":"18"},{"type":"text","text":"C"}]},
             {"role":"tool","tool_call_id":"call_b","content":"done"}]
            """));

        var input = Input(body);
        AssertJsonEqual("""{"type":"message","role":"assistant","content":[{"type":"output_text","text":"Checking."}]}""", input[1]);
        AssertJsonEqual("""{"type":"function_call","call_id":"call_a","name":"get_weather","arguments":"{\"city\":\"Paris\"}"}""", input[2]);
        AssertJsonEqual("""{"type":"custom_tool_call","call_id":"call_b","name":"apply_patch","input":"*** Begin Patch"}""", input[3]);
        AssertJsonEqual("""{"type":"function_call_output","call_id":"call_a","output":"18C"}""", input[4]);
        AssertJsonEqual("""{"type":"function_call_output","call_id":"call_b","output":"done"}""", input[5]);
        Assert.Equal(6, input.Count);
        Assert.DoesNotContain("I should call", body.GetRawText());
    }

    [Fact]
    public void Assistant_message_with_only_tool_calls_writes_no_empty_message_item()
    {
        var (_, body) = TranslateOk(Request("""
            [{"role":"user","content":"hi"},
             {"role":"assistant","content":"","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},
             {"role":"tool","tool_call_id":"c","content":"ok"}]
            """));

        Assert.Equal(["message", "function_call", "function_call_output"], Input(body).Select(i => i.GetProperty("type").GetString()));
    }

    [Fact]
    public void Tools_are_flattened_strict_written_and_tool_choice_named_flattened()
    {
        var (_, body) = TranslateOk(Request(Hi, """
            "tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object"}}},
                     {"type":"function","function":{"name":"g"}}],
            "tool_choice":{"type":"function","function":{"name":"g"}}
            """));

        AssertJsonEqual(
            """
            [{"type":"function","name":"f","description":"d","parameters":{"type":"object"},"strict":false},
             {"type":"function","name":"g","parameters":{"type":"object","properties":{}},"strict":false}]
            """,
            body.GetProperty("tools"));
        AssertJsonEqual("""{"type":"function","name":"g"}""", body.GetProperty("tool_choice"));
    }

    [Fact]
    public void Reasoning_effort_on_a_reasoning_deployment_asks_for_a_summary_and_the_encrypted_reasoning()
    {
        var (result, body) = TranslateOk(Request(Hi, "\"reasoning_effort\":\"high\",\"temperature\":0.5,\"top_p\":0.9"), Gpt5);

        AssertJsonEqual("""{"effort":"high","summary":"auto"}""", body.GetProperty("reasoning"));
        AssertJsonEqual("""["reasoning.encrypted_content"]""", body.GetProperty("include"));
        Assert.False(body.GetProperty("store").GetBoolean());
        Assert.False(body.TryGetProperty("temperature", out _));
        Assert.False(body.TryGetProperty("top_p", out _));
        Assert.Empty(result.DroppedParams);
    }

    [Fact]
    public void Reasoning_effort_none_asks_for_no_reasoning_output()
    {
        var (_, body) = TranslateOk(Request(Hi, "\"reasoning_effort\":\"none\""), Gpt5);

        AssertJsonEqual("""{"effort":"none"}""", body.GetProperty("reasoning"));
        Assert.False(body.TryGetProperty("include", out _));
    }

    [Fact]
    public void Reasoning_effort_on_a_non_reasoning_deployment_is_dropped_and_named()
    {
        var (result, body) = TranslateOk(Request(Hi, "\"reasoning_effort\":\"low\",\"temperature\":0.5"));

        Assert.False(body.TryGetProperty("reasoning", out _));
        Assert.Equal(0.5, body.GetProperty("temperature").GetDouble());
        Assert.Equal(["reasoning_effort"], result.DroppedParams);
    }

    [Theory]
    [InlineData("\"max_completion_tokens\":5000", null, 5000)]
    [InlineData("\"max_tokens\":300,\"max_completion_tokens\":200", null, 200)]
    [InlineData("\"max_completion_tokens\":5000", 1000, 1000)]
    [InlineData("\"max_tokens\":4", null, 16)]
    [InlineData("\"stream\":false", 1000, 1000)]
    public void Output_limit_is_max_output_tokens_capped_and_at_least_16(string extra, int? cap, int expected)
    {
        var target = new OpenAITarget { Model = "gpt-4o", MaxOutputTokens = cap };
        var (_, body) = TranslateOk(Request(Hi, extra), target);

        Assert.Equal(expected, body.GetProperty("max_output_tokens").GetInt32());
    }

    [Fact]
    public void Parameters_Responses_lacks_are_dropped_and_named()
    {
        var (result, body) = TranslateOk(Request(Hi, """
            "stop":["END"],"seed":7,"frequency_penalty":0.5,"presence_penalty":0,"logit_bias":{"1":1}
            """));

        Assert.Equal(["seed", "frequency_penalty", "logit_bias", "stop"], result.DroppedParams);
        foreach (var name in new[] { "stop", "seed", "frequency_penalty", "presence_penalty", "logit_bias" })
        {
            Assert.False(body.TryGetProperty(name, out _), name);
        }
    }

    [Fact]
    public void Logprobs_ask_for_output_text_logprobs_and_top_logprobs_pass()
    {
        var (result, body) = TranslateOk(Request(Hi, "\"logprobs\":true,\"top_logprobs\":3"));

        AssertJsonEqual("""["message.output_text.logprobs"]""", body.GetProperty("include"));
        Assert.Equal(3, body.GetProperty("top_logprobs").GetInt32());
        Assert.False(body.TryGetProperty("logprobs", out _));
        Assert.Empty(result.DroppedParams);
    }

    [Fact]
    public void Logprobs_for_a_reasoning_deployment_are_dropped_and_named_and_include_keeps_the_reasoning()
    {
        var (result, body) = TranslateOk(Request(Hi, "\"logprobs\":true,\"top_logprobs\":3,\"reasoning_effort\":\"low\""), Gpt5);

        AssertJsonEqual("""["reasoning.encrypted_content"]""", body.GetProperty("include"));
        Assert.False(body.TryGetProperty("top_logprobs", out _));
        Assert.Equal(["logprobs", "top_logprobs"], result.DroppedParams);
    }

    [Fact]
    public void Top_logprobs_without_logprobs_is_a_400()
    {
        var (_, param) = Fail(Request(Hi, "\"top_logprobs\":3"));

        Assert.Equal("top_logprobs", param);
    }

    [Fact]
    public void Identity_caching_and_tier_parameters_pass_unchanged_and_client_store_is_overridden()
    {
        var (_, body) = TranslateOk(Request(Hi, """
            "prompt_cache_key":"k1","safety_identifier":"sid","user":"u","metadata":{"a":"b"},"service_tier":"flex","store":true
            """));

        Assert.Equal("k1", body.GetProperty("prompt_cache_key").GetString());
        Assert.Equal("sid", body.GetProperty("safety_identifier").GetString());
        Assert.Equal("u", body.GetProperty("user").GetString());
        AssertJsonEqual("""{"a":"b"}""", body.GetProperty("metadata"));
        Assert.Equal("flex", body.GetProperty("service_tier").GetString());
        Assert.False(body.GetProperty("store").GetBoolean());
    }

    [Fact]
    public void Response_format_json_schema_and_verbosity_become_text()
    {
        var (_, body) = TranslateOk(Request(Hi, """
            "response_format":{"type":"json_schema","json_schema":{"name":"out","schema":{"type":"object"},"strict":true}},"verbosity":"low"
            """));

        AssertJsonEqual(
            """{"format":{"type":"json_schema","name":"out","schema":{"type":"object"},"strict":true},"verbosity":"low"}""",
            body.GetProperty("text"));
    }

    [Fact]
    public void Response_format_json_object_becomes_text_format()
    {
        var (_, body) = TranslateOk(Request(Hi, "\"response_format\":{\"type\":\"json_object\"}"));

        AssertJsonEqual("""{"format":{"type":"json_object"}}""", body.GetProperty("text"));
    }

    [Fact]
    public void N_above_one_is_a_400()
    {
        var (message, param) = Fail(Request(Hi, "\"n\":2"));

        Assert.Equal("n", param);
        Assert.Contains("one choice", message);
    }

    [Fact]
    public void N_of_one_and_stream_options_without_stream_pass()
    {
        var (result, body) = TranslateOk(Request(Hi, "\"n\":1,\"stream_options\":{\"include_usage\":true}"));

        Assert.False(result.IncludeUsage);
        Assert.False(body.TryGetProperty("n", out _));
        Assert.False(body.TryGetProperty("stream_options", out _));
    }

    [Fact]
    public void Drop_listed_parameters_are_not_sent()
    {
        var target = new OpenAITarget { Model = "gpt-4o", AdditionalDropParams = ["user", "temperature"] };
        var (_, body) = TranslateOk(Request(Hi, "\"user\":\"u\",\"temperature\":0.3"), target);

        Assert.False(body.TryGetProperty("user", out _));
        Assert.False(body.TryGetProperty("temperature", out _));
    }
}
