using System.Text.Json;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.OpenAIToAnthropic;
using static Bridge.Tests.Translation.OpenAIToAnthropic.ChatToMessagesTestHelpers;
using static Bridge.Tests.Translation.TranslationTestHelpers;

namespace Bridge.Tests.Translation.OpenAIToAnthropic;

/// <summary>Field-by-field mapping of OpenAI Chat Completions requests to Anthropic Messages requests.</summary>
public class ChatRequestToMessagesMappingTests
{
    [Fact]
    public void Translate_SystemAndDeveloperMessages_BecomeSystemBlocksInOrder()
    {
        var body = TranslateValid(Request("""
            [{"role":"system","content":"one"},{"role":"developer","content":[{"type":"text","text":"two"},{"type":"text","text":"three"}]},
             {"role":"user","content":"hi"},{"role":"assistant","content":"hello"},{"role":"system","content":"four"},{"role":"user","content":"again"}]
            """));

        AssertJsonEqual(
            """[{"type":"text","text":"one"},{"type":"text","text":"two"},{"type":"text","text":"three"},{"type":"text","text":"four"}]""",
            body.GetProperty("system"));
        Assert.Equal(3, body.GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public void Translate_NoSystemMessages_OmitsSystem()
    {
        var body = TranslateValid(Request(Hi));
        Assert.False(body.TryGetProperty("system", out _));
    }

    [Fact]
    public void Translate_ConsecutiveUserMessagesAroundSystem_MergeIntoOneTurn()
    {
        var body = TranslateValid(Request("""[{"role":"user","content":"a"},{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"b"}]}]"""));

        AssertJsonEqual("""[{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}]""", body.GetProperty("messages"));
    }

    [Fact]
    public void Translate_ConsecutiveAssistantMessages_MergeIntoOneTurn()
    {
        var body = TranslateValid(Request("""[{"role":"user","content":"q"},{"role":"assistant","content":"a"},{"role":"assistant","content":[{"type":"text","text":"b"}]},{"role":"user","content":"c"}]"""));

        AssertJsonEqual("""{"role":"assistant","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}""", body.GetProperty("messages")[1]);
    }

    [Fact]
    public void Translate_ParallelToolCallsAndResults_ToolResultsFirstInOneUserTurn()
    {
        var body = TranslateValid(Request("""
            [{"role":"user","content":"weather?"},
             {"role":"assistant","content":"Checking.","tool_calls":[
                {"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
                {"id":"call_b","type":"function","function":{"name":"get_time","arguments":""}}]},
             {"role":"user","content":"also hurry"},
             {"role":"tool","tool_call_id":"call_b","content":[{"type":"text","text":"noon"}]},
             {"role":"tool","tool_call_id":"call_a","content":"18C"}]
            """, """ "tools":[{"type":"function","function":{"name":"get_weather"}},{"type":"function","function":{"name":"get_time"}}]"""));

        AssertJsonEqual(
            """
            [{"role":"user","content":[{"type":"text","text":"weather?"}]},
             {"role":"assistant","content":[{"type":"text","text":"Checking."},
                {"type":"tool_use","id":"call_a","name":"get_weather","input":{"city":"Paris"}},
                {"type":"tool_use","id":"call_b","name":"get_time","input":{}}]},
             {"role":"user","content":[
                {"type":"tool_result","tool_use_id":"call_b","content":[{"type":"text","text":"noon"}]},
                {"type":"tool_result","tool_use_id":"call_a","content":"18C"},
                {"type":"text","text":"also hurry"}]}]
            """,
            body.GetProperty("messages"));
    }

    [Fact]
    public void Translate_CallIdsOutsideAnthropicPattern_MapConsistentlyAndReversibly()
    {
        const string odd = "functions.get_weather:0";
        var body = TranslateValid(Request($$$"""
            [{"role":"user","content":"q"},
             {"role":"assistant","content":null,"tool_calls":[{"id":"{{{odd}}}","type":"function","function":{"name":"f","arguments":"{}"}}]},
             {"role":"tool","tool_call_id":"{{{odd}}}","content":"r"}]
            """));

        var id = body.GetProperty("messages")[1].GetProperty("content")[0].GetProperty("id").GetString()!;
        Assert.Matches("^[a-zA-Z0-9_-]+$", id);
        Assert.Equal(id, body.GetProperty("messages")[2].GetProperty("content")[0].GetProperty("tool_use_id").GetString());
        Assert.Equal(odd, ToolCallIds.ToUpstream(id));
    }

    [Fact]
    public void Translate_LeadingAssistantMessage_GetsAPlaceholderUserTurn()
    {
        var body = TranslateValid(Request("""[{"role":"system","content":"s"},{"role":"assistant","content":"Hello! How can I help?"},{"role":"user","content":"hi"}]"""));

        var messages = body.GetProperty("messages");
        Assert.Equal(3, messages.GetArrayLength());
        AssertJsonEqual("""{"role":"user","content":[{"type":"text","text":"."}]}""", messages[0]);
        Assert.Equal("assistant", messages[1].GetProperty("role").GetString());
    }

    [Fact]
    public void Translate_EmptyAssistantMessage_IsSkippedAndNeighboursMerge()
    {
        var body = TranslateValid(Request("""[{"role":"user","content":"a"},{"role":"assistant","content":""},{"role":"user","content":"b"}]"""));

        AssertJsonEqual("""[{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}]""", body.GetProperty("messages"));
    }

    [Fact]
    public void Translate_NameOnMessages_IsDropped()
    {
        var body = TranslateValid(Request("""[{"role":"user","name":"alice","content":"hi"}]"""));
        AssertJsonEqual("""[{"role":"user","content":[{"type":"text","text":"hi"}]}]""", body.GetProperty("messages"));
    }

    [Fact]
    public void Translate_DataUrlImage_BecomesBase64Source()
    {
        var body = TranslateValid(Request("""[{"role":"user","content":[{"type":"text","text":"what?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"high"}}]}]"""));

        AssertJsonEqual(
            """{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}""",
            body.GetProperty("messages")[0].GetProperty("content")[1]);
    }

    [Fact]
    public void Translate_HttpsImage_BecomesUrlSource()
    {
        var body = TranslateValid(Request("""[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]}]"""));

        AssertJsonEqual(
            """{"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}""",
            body.GetProperty("messages")[0].GetProperty("content")[0]);
    }

    [Fact]
    public void Translate_PdfFileData_BecomesDocumentBlock()
    {
        var body = TranslateValid(Request("""[{"role":"user","content":[{"type":"file","file":{"filename":"a.pdf","file_data":"data:application/pdf;base64,JVBERi0xLjQ="}},{"type":"text","text":"summarise"}]}]"""));

        AssertJsonEqual(
            """{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0xLjQ="},"title":"a.pdf"}""",
            body.GetProperty("messages")[0].GetProperty("content")[0]);
    }

    [Fact]
    public void Translate_Stop_StringAndArrayBecomeStopSequences()
    {
        AssertJsonEqual("""["END"]""", TranslateValid(Request(Hi, "\"stop\":\"END\"")).GetProperty("stop_sequences"));
        AssertJsonEqual("""["a","b"]""", TranslateValid(Request(Hi, "\"stop\":[\"a\",\"b\"]")).GetProperty("stop_sequences"));
        Assert.False(TranslateValid(Request(Hi, "\"stop\":null")).TryGetProperty("stop_sequences", out _));
    }

    [Theory]
    [InlineData("", null, null, 4096)]
    [InlineData("\"max_tokens\":100", null, null, 100)]
    [InlineData("\"max_completion_tokens\":200,\"max_tokens\":100", null, null, 200)]
    [InlineData("\"max_tokens\":100000", 8192, null, 8192)]
    [InlineData("", null, 1000, 1000)]
    public void Translate_MaxTokens_AlwaysSentDefaultedAndCapped(string extra, int? cap, int? defaultMax, int expected)
    {
        var target = Claude with { MaxOutputTokens = cap, DefaultMaxTokens = defaultMax ?? 4096 };
        Assert.Equal(expected, TranslateValid(Request(Hi, extra), target).GetProperty("max_tokens").GetInt32());
    }

    [Theory]
    [InlineData("low", 1024)]
    [InlineData("minimal", 1024)]
    [InlineData("medium", 4096)]
    [InlineData("high", 16384)]
    public void Translate_ReasoningEffort_BecomesThinkingBudgetAndDropsSampling(string effort, int budget)
    {
        var body = TranslateValid(Request(Hi, $"\"reasoning_effort\":\"{effort}\",\"temperature\":0.3,\"top_p\":0.5,\"max_completion_tokens\":50000"));

        AssertJsonEqual($$$"""{"type":"enabled","budget_tokens":{{{budget}}}}""", body.GetProperty("thinking"));
        Assert.False(body.TryGetProperty("temperature", out _));
        Assert.False(body.TryGetProperty("top_p", out _));
        Assert.Equal(50000, body.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public void Translate_ReasoningBudgetNotBelowMaxTokens_RaisesMaxTokensAboveBudget()
    {
        var body = TranslateValid(Request(Hi, "\"reasoning_effort\":\"high\",\"max_tokens\":1000"));

        Assert.Equal(16384, body.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
        Assert.Equal(17384, body.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public void Translate_ReasoningBudgetAboveCap_ShrinksBudgetBelowMaxTokens()
    {
        var body = TranslateValid(Request(Hi, "\"reasoning_effort\":\"high\""), Claude with { MaxOutputTokens = 8000 });

        Assert.Equal(8000, body.GetProperty("max_tokens").GetInt32());
        Assert.Equal(4000, body.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
    }

    [Fact]
    public void Translate_ReasoningEffortNone_SendsNoThinking()
    {
        var body = TranslateValid(Request(Hi, "\"reasoning_effort\":\"none\",\"temperature\":0.5"));
        Assert.False(body.TryGetProperty("thinking", out _));
        Assert.Equal(0.5, body.GetProperty("temperature").GetDouble());
    }

    [Theory]
    [InlineData("\"required\"")]
    [InlineData("""{"type":"function","function":{"name":"f"}}""")]
    public void Translate_ReasoningEffortWithAForcedTool_OmitsThinking(string choice)
    {
        // Anthropic refuses thinking together with tool_choice any/tool; the client's explicit choice wins.
        var (result, body) = Translate(Request(Hi,
            """ "reasoning_effort":"high","tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],"tool_choice":""" + choice));

        Assert.True(result.ThinkingOmitted);
        Assert.False(body.TryGetProperty("thinking", out _));
        Assert.Empty(AnthropicMessagesRequestValidator.Validate(body));

        var auto = TranslateValid(Request(Hi,
            """ "reasoning_effort":"high","tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],"tool_choice":"auto" """));
        Assert.True(auto.TryGetProperty("thinking", out _));
    }

    [Fact]
    public void Translate_DefaultTemperature_DoesNotReplaceTheClientsTopP()
    {
        var target = Claude with { DefaultParams = new Dictionary<string, JsonElement> { ["temperature"] = Json("0.1") } };

        var body = TranslateValid(Request(Hi, "\"top_p\":0.8"), target);

        Assert.Equal(0.8, body.GetProperty("top_p").GetDouble());
        Assert.False(body.TryGetProperty("temperature", out _));
        Assert.Equal(0.1, TranslateValid(Request(Hi), target).GetProperty("temperature").GetDouble());
    }

    [Fact]
    public void Translate_ReasoningEffortInsideToolLoop_OmitsThinking()
    {
        var (result, body) = Translate(Request("""
            [{"role":"user","content":"q"},
             {"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]},
             {"role":"tool","tool_call_id":"call_1","content":"r"}]
            """, "\"reasoning_effort\":\"medium\""));

        Assert.True(result.ThinkingOmitted);
        Assert.False(body.TryGetProperty("thinking", out _));
        Assert.Empty(AnthropicMessagesRequestValidator.Validate(body));
    }

    [Theory]
    [InlineData("1.7", "1")]
    [InlineData("0.4", "0.4")]
    [InlineData("0", "0")]
    public void Translate_Temperature_ClampedToAnthropicRange(string value, string expected)
    {
        var body = TranslateValid(Request(Hi, $"\"temperature\":{value}"));
        Assert.Equal(double.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), body.GetProperty("temperature").GetDouble());
    }

    [Fact]
    public void Translate_TopPAlone_IsForwarded_AndDroppedNextToTemperature()
    {
        Assert.Equal(0.9, TranslateValid(Request(Hi, "\"top_p\":0.9")).GetProperty("top_p").GetDouble());
        var both = TranslateValid(Request(Hi, "\"top_p\":0.9,\"temperature\":0.5"));
        Assert.False(both.TryGetProperty("top_p", out _));
        Assert.Equal(0.5, both.GetProperty("temperature").GetDouble());
    }

    [Fact]
    public void Translate_ToolWithoutParameters_GetsEmptyObjectSchema()
    {
        var body = TranslateValid(Request(Hi, """ "tools":[{"type":"function","function":{"name":"now","description":"time"}},{"type":"function","function":{"name":"x","parameters":{}}}]"""));

        AssertJsonEqual(
            """[{"name":"now","description":"time","input_schema":{"type":"object","properties":{}}},{"name":"x","input_schema":{"type":"object","properties":{}}}]""",
            body.GetProperty("tools"));
    }

    [Theory]
    [InlineData("\"none\"", """{"type":"none"}""")]
    [InlineData("\"auto\"", """{"type":"auto"}""")]
    [InlineData("\"required\"", """{"type":"any"}""")]
    [InlineData("""{"type":"function","function":{"name":"f"}}""", """{"type":"tool","name":"f"}""")]
    public void Translate_ToolChoice_MapsToAnthropicForm(string choice, string expected)
    {
        var body = TranslateValid(Request(Hi, """ "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],"tool_choice":""" + choice));
        AssertJsonEqual(expected, body.GetProperty("tool_choice"));
    }

    [Fact]
    public void Translate_ParallelToolCallsFalseWithRequired_AddsDisableParallelToAny()
    {
        var body = TranslateValid(Request(Hi, """ "tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"required","parallel_tool_calls":false"""));
        AssertJsonEqual("""{"type":"any","disable_parallel_tool_use":true}""", body.GetProperty("tool_choice"));
    }

    [Fact]
    public void Translate_ParallelToolCallsWithoutTools_SendsNoToolChoice()
    {
        var body = TranslateValid(Request(Hi, "\"parallel_tool_calls\":false,\"tool_choice\":\"auto\",\"tools\":[]"));
        Assert.False(body.TryGetProperty("tool_choice", out _));
        Assert.False(body.TryGetProperty("tools", out _));
    }

    [Fact]
    public void Translate_ResponseFormatJsonSchema_BecomesOutputConfigFormat()
    {
        var body = TranslateValid(Request(Hi, """ "response_format":{"type":"json_schema","json_schema":{"name":"answer","strict":true,"schema":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":false}}}"""));

        AssertJsonEqual(
            """{"format":{"type":"json_schema","schema":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":false}}}""",
            body.GetProperty("output_config"));
    }

    [Fact]
    public void Translate_ResponseFormatJsonObject_ErrorUnlessDropParams()
    {
        const string extra = """ "response_format":{"type":"json_object"}""";
        Assert.Equal("response_format", Fail(Request(Hi, extra)).Param);
        Assert.False(TranslateValid(Request(Hi, extra), Claude with { DropParams = true }).TryGetProperty("output_config", out _));
    }

    [Theory]
    [InlineData("\"seed\":7", "seed")]
    [InlineData("\"logprobs\":true", "logprobs")]
    [InlineData("\"top_logprobs\":2", "top_logprobs")]
    [InlineData("\"logit_bias\":{\"50256\":-100}", "logit_bias")]
    [InlineData("\"frequency_penalty\":0.5", "frequency_penalty")]
    [InlineData("\"presence_penalty\":0.5", "presence_penalty")]
    [InlineData("\"service_tier\":\"flex\"", "service_tier")]
    [InlineData("\"store\":true", "store")]
    [InlineData("\"prediction\":{\"type\":\"content\",\"content\":\"x\"}", "prediction")]
    [InlineData("\"modalities\":[\"text\",\"audio\"]", "modalities")]
    [InlineData("\"audio\":{\"voice\":\"alloy\",\"format\":\"mp3\"}", "audio")]
    [InlineData("\"brand_new_param\":1", "brand_new_param")]
    public void Translate_OpenAIOnlyOrUnknownParam_ErrorNamesItUnlessDropParams(string extra, string param)
    {
        var (message, errorParam) = Fail(Request(Hi, extra));
        Assert.Equal(param, errorParam);
        Assert.Contains(param, message);

        var body = TranslateValid(Request(Hi, extra), Claude with { DropParams = true });
        Assert.False(body.TryGetProperty(param, out _));
    }

    [Theory]
    [InlineData("\"logprobs\":false")]
    [InlineData("\"frequency_penalty\":0")]
    [InlineData("\"seed\":null")]
    [InlineData("\"store\":false")]
    [InlineData("\"prompt_cache_key\":\"k\"")]
    [InlineData("\"stream_options\":{\"include_usage\":true}")]
    public void Translate_NoOpOpenAIParams_AreAcceptedAndNotForwarded(string extra)
    {
        var body = TranslateValid(Request(Hi, extra));
        Assert.Equal(["model", "messages", "max_tokens"], body.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Translate_StreamWithIncludeUsage_ReportsBothAndForwardsOnlyStream()
    {
        var (result, body) = Translate(Request(Hi, "\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        Assert.True(result.Stream);
        Assert.True(result.IncludeUsage);
        Assert.True(body.GetProperty("stream").GetBoolean());
        Assert.False(body.TryGetProperty("stream_options", out _));
    }

    [Fact]
    public void Translate_SafetyIdentifier_BecomesMetadataUserId()
    {
        AssertJsonEqual("""{"user_id":"sid-1"}""", TranslateValid(Request(Hi, "\"safety_identifier\":\"sid-1\"")).GetProperty("metadata"));
    }

    [Fact]
    public void Translate_AdditionalDropParams_RemovesClientAndUpstreamNames()
    {
        var target = Claude with { AdditionalDropParams = ["temperature", "stop_sequences", "metadata"] };
        var body = TranslateValid(Request(Hi, "\"temperature\":0.5,\"stop\":[\"x\"],\"user\":\"u\",\"top_p\":0.7"), target);

        Assert.False(body.TryGetProperty("temperature", out _));
        Assert.False(body.TryGetProperty("stop_sequences", out _));
        Assert.False(body.TryGetProperty("metadata", out _));
        Assert.Equal(0.7, body.GetProperty("top_p").GetDouble());
    }

    [Fact]
    public void Translate_DefaultParams_FillOnlyWhatTheClientDidNotSet()
    {
        var target = Claude with
        {
            DefaultParams = new Dictionary<string, JsonElement>
            {
                ["temperature"] = Json("0.1"),
                ["top_k"] = Json("40"),
                ["max_tokens"] = Json("5"),
                ["model"] = Json("\"other\""),
            },
        };
        var body = TranslateValid(Request(Hi, "\"temperature\":0.9"), target);

        Assert.Equal(0.9, body.GetProperty("temperature").GetDouble());
        Assert.Equal(40, body.GetProperty("top_k").GetInt32());
        Assert.Equal(4096, body.GetProperty("max_tokens").GetInt32());
        Assert.Equal(Claude.Model, body.GetProperty("model").GetString());
    }

    [Fact]
    public void Translate_DefaultParams_AreTranslatedLikeTheClientsOwn_AndOpenAIOnlyOnesAreLeftOut()
    {
        // A LiteLLM config's litellm_params speak OpenAI: reasoning_effort must become thinking, and seed or
        // penalties (which Anthropic rejects) must not reach it.
        var target = Claude with
        {
            DefaultParams = new Dictionary<string, JsonElement>
            {
                ["reasoning_effort"] = Json("\"medium\""),
                ["max_completion_tokens"] = Json("8000"),
                ["parallel_tool_calls"] = Json("false"),
                ["seed"] = Json("7"),
                ["frequency_penalty"] = Json("0.5"),
                ["presence_penalty"] = Json("0.5"),
                ["logit_bias"] = Json("{}"),
                ["service_tier"] = Json("\"flex\""),
                ["verbosity"] = Json("\"low\""),
            },
        };
        var body = TranslateValid(Request(Hi), target);

        Assert.Equal(4096, body.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
        Assert.Equal(8000, body.GetProperty("max_tokens").GetInt32());
        Assert.False(body.TryGetProperty("tool_choice", out _)); // parallel_tool_calls means nothing without tools
        foreach (var openAIOnly in new[] { "reasoning_effort", "max_completion_tokens", "parallel_tool_calls", "seed", "frequency_penalty", "presence_penalty", "logit_bias", "service_tier", "verbosity" })
        {
            Assert.False(body.TryGetProperty(openAIOnly, out _), openAIOnly);
        }

        var clientWins = TranslateValid(Request(Hi, "\"reasoning_effort\":\"high\",\"max_tokens\":20000"), target);
        Assert.Equal(16384, clientWins.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
        Assert.Equal(20000, clientWins.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public void Translate_DefaultSamplingParams_SkippedWhenThinkingIsOn()
    {
        var target = Claude with
        {
            DefaultParams = new Dictionary<string, JsonElement> { ["temperature"] = Json("0.1"), ["top_k"] = Json("40") },
        };
        var body = TranslateValid(Request(Hi, "\"reasoning_effort\":\"low\""), target);

        Assert.False(body.TryGetProperty("temperature", out _));
        Assert.False(body.TryGetProperty("top_k", out _));
        Assert.True(body.TryGetProperty("thinking", out _));
    }

    [Fact]
    public void Translate_NOne_IsAcceptedAndReported()
    {
        var (result, body) = Translate(Request(Hi, "\"n\":1"));
        Assert.True(result.Ok);
        Assert.Equal(1, result.N);
        Assert.False(body.TryGetProperty("n", out _));
    }
}
