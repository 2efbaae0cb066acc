using System.Text.Json;
using Bridge.Gateway.Translation;
using static Bridge.Tests.Translation.TranslationTestHelpers;

namespace Bridge.Tests.Translation;

/// <summary>docs/translation.md section 1.1, row by row.</summary>
public class AnthropicToOpenAIRequestMappingTests
{
    private const string Tool = """{"name":"get_weather","description":"Weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}""";

    private static string Request(string extra = "", string messages = """[{"role":"user","content":"hi"}]""") =>
        $$"""{"model":"claude-sonnet-4-5","max_tokens":1024,"messages":{{messages}}{{(extra.Length > 0 ? "," + extra : "")}}}""";

    private static List<JsonElement> Messages(JsonElement body) => body.GetProperty("messages").EnumerateArray().ToList();

    [Fact]
    public void Translate_SystemString_BecomesLeadingSystemMessage()
    {
        var body = TranslateOk(Request("\"system\":\"Be brief.\""));
        var messages = Messages(body);
        Assert.Equal("system", messages[0].GetProperty("role").GetString());
        Assert.Equal("Be brief.", messages[0].GetProperty("content").GetString());
        Assert.Equal("user", messages[1].GetProperty("role").GetString());
    }

    [Fact]
    public void Translate_SystemBlocks_AreJoinedWithBlankLine_WithoutCacheControl()
    {
        var body = TranslateOk(Request("""
            "system":[{"type":"text","text":"A"},{"type":"text","text":"B","cache_control":{"type":"ephemeral"}}]
            """));
        Assert.Equal("A\n\nB", Messages(body)[0].GetProperty("content").GetString());
        Assert.DoesNotContain("cache_control", body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Translate_SystemRoleInsideMessages_StaysInPlace()
    {
        var body = TranslateOk(Request(messages: """
            [{"role":"user","content":"one"},{"role":"system","content":"note"},{"role":"assistant","content":"two"},{"role":"user","content":"three"}]
            """));
        Assert.Equal(["user", "system", "assistant", "user"], Messages(body).Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("note", Messages(body)[1].GetProperty("content").GetString());
    }

    [Fact]
    public void Translate_Base64Image_BecomesDataUrl()
    {
        var body = TranslateOk(Request(messages: """
            [{"role":"user","content":[{"type":"text","text":"what is this"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}]}]
            """));
        var parts = Messages(body)[0].GetProperty("content");
        Assert.Equal("text", parts[0].GetProperty("type").GetString());
        Assert.Equal("image_url", parts[1].GetProperty("type").GetString());
        Assert.Equal("data:image/png;base64,iVBORw0KGgo=", parts[1].GetProperty("image_url").GetProperty("url").GetString());
    }

    [Fact]
    public void Translate_UrlImage_KeepsUrl()
    {
        var body = TranslateOk(Request(messages: """
            [{"role":"user","content":[{"type":"image","source":{"type":"url","url":"https://example.com/a.jpg"}}]}]
            """));
        Assert.Equal("https://example.com/a.jpg", Messages(body)[0].GetProperty("content")[0].GetProperty("image_url").GetProperty("url").GetString());
    }

    [Fact]
    public void Translate_PdfDocument_BecomesFilePart()
    {
        var body = TranslateOk(Request(messages: """
            [{"role":"user","content":[{"type":"document","title":"report.pdf","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0x"}},{"type":"text","text":"summarize"}]}]
            """));
        var part = Messages(body)[0].GetProperty("content")[0];
        Assert.Equal("file", part.GetProperty("type").GetString());
        Assert.Equal("report.pdf", part.GetProperty("file").GetProperty("filename").GetString());
        Assert.Equal("data:application/pdf;base64,JVBERi0x", part.GetProperty("file").GetProperty("file_data").GetString());
        Assert.Empty(OpenAIChatRequestValidator.Validate(body, false));
    }

    [Fact]
    public void Translate_TextDocument_BecomesTextPart()
    {
        var body = TranslateOk(Request(messages: """
            [{"role":"user","content":[{"type":"document","source":{"type":"text","media_type":"text/plain","data":"plain words"}}]}]
            """));
        var part = Messages(body)[0].GetProperty("content")[0];
        Assert.Equal("text", part.GetProperty("type").GetString());
        Assert.Equal("plain words", part.GetProperty("text").GetString());
    }

    [Fact]
    public void Translate_UrlDocument_IsAnErrorNotASilentLoss()
    {
        var error = Error(Request(messages: """
            [{"role":"user","content":[{"type":"document","source":{"type":"url","url":"https://example.com/a.pdf"}}]}]
            """));
        Assert.StartsWith("messages.0.content.0.source.type:", error, StringComparison.Ordinal);
    }

    private const string ToolTurn = """
        {"role":"user","content":"weather?"},
        {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"sig"},{"type":"text","text":"Checking."},{"type":"tool_use","id":"toolu_01A","name":"get_weather","input":{"city": "Paris"}}]}
        """;

    [Fact]
    public void Translate_AssistantTextAndToolUse_BecomeOneMessageWithToolCalls_ThinkingDropped()
    {
        var body = TranslateOk(Request("\"tools\":[" + Tool + "]", "[" + ToolTurn + """
            ,{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01A","content":"18C"}]}]
            """));
        var assistant = Messages(body)[1];
        Assert.Equal("Checking.", assistant.GetProperty("content").GetString());
        var call = assistant.GetProperty("tool_calls")[0];
        Assert.Equal("toolu_01A", call.GetProperty("id").GetString());
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.Equal("""{"city":"Paris"}""", call.GetProperty("function").GetProperty("arguments").GetString());
        Assert.DoesNotContain("hmm", body.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("tool", Messages(body)[2].GetProperty("role").GetString());
        Assert.Equal(3, Messages(body).Count);
    }

    [Fact]
    public void Translate_ToolResultWithIsError_KeepsVisibleMarker_AndComesBeforeUserText()
    {
        var body = TranslateOk(Request("\"tools\":[" + Tool + "]", "[" + ToolTurn + """
            ,{"role":"user","content":[{"type":"text","text":"also this"},{"type":"tool_result","tool_use_id":"toolu_01A","is_error":true,"content":[{"type":"text","text":"city not found"}]}]}]
            """));
        var messages = Messages(body);
        Assert.Equal(["user", "assistant", "tool", "user"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("[tool error] city not found", messages[2].GetProperty("content").GetString());
        Assert.Equal("also this", messages[3].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Empty(OpenAIChatRequestValidator.Validate(body, false));
    }

    [Fact]
    public void Translate_ToolResultWithImage_PutsImageInFollowingUserMessage()
    {
        var body = TranslateOk(Request("\"tools\":[" + Tool + "]", "[" + ToolTurn + """
            ,{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01A","content":[{"type":"text","text":"screenshot:"},{"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/AA=="}}]}]}]
            """));
        var messages = Messages(body);
        Assert.Equal(["user", "assistant", "tool", "user"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.StartsWith("screenshot:\n", messages[2].GetProperty("content").GetString(), StringComparison.Ordinal);
        var image = messages[3].GetProperty("content")[0];
        Assert.Equal("data:image/jpeg;base64,/9j/AA==", image.GetProperty("image_url").GetProperty("url").GetString());
        Assert.Empty(OpenAIChatRequestValidator.Validate(body, false));
    }

    [Fact]
    public void Translate_SystemNoteBetweenToolUseAndToolResult_MovesAfterToolMessages()
    {
        var body = TranslateOk(Request("\"tools\":[" + Tool + "]", "[" + ToolTurn + """
            ,{"role":"system","content":"reminder"},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01A","content":"18C"}]}]
            """));
        Assert.Equal(["user", "assistant", "tool", "system"], Messages(body).Select(m => m.GetProperty("role").GetString()));
        Assert.Empty(OpenAIChatRequestValidator.Validate(body, false));
    }

    [Fact]
    public void Translate_Tools_BecomeFunctions_WithSchemaUnchanged()
    {
        var schema = """{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"n":{"type":"integer","exclusiveMinimum":0},"metadata":{"type":"object","propertyNames":{"type":"string"}}},"additionalProperties":false}""";
        var body = TranslateOk(Request($$$"""
            "tools":[{"name":"count","description":"Count","input_schema":{{{schema}}},"cache_control":{"type":"ephemeral"}}]
            """));
        var function = body.GetProperty("tools")[0].GetProperty("function");
        Assert.Equal("function", body.GetProperty("tools")[0].GetProperty("type").GetString());
        Assert.Equal("count", function.GetProperty("name").GetString());
        Assert.Equal("Count", function.GetProperty("description").GetString());
        Assert.True(JsonElement.DeepEquals(Json(schema), function.GetProperty("parameters")));
        Assert.DoesNotContain("cache_control", body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Translate_EmptyTools_OmitsToolsAndToolChoice()
    {
        var body = TranslateOk(Request("""
            "tools":[],"tool_choice":{"type":"auto","disable_parallel_tool_use":true}
            """));
        Assert.False(body.TryGetProperty("tools", out _));
        Assert.False(body.TryGetProperty("tool_choice", out _));
        Assert.False(body.TryGetProperty("parallel_tool_calls", out _));
    }

    [Fact]
    public void Translate_ServerTool_IsDroppedAndReported()
    {
        var (result, body) = TranslateRequest(Request("\"tools\":[" + Tool + """
            ,{"type":"web_search_20250305","name":"web_search","max_uses":5}]
            """));
        Assert.True(result.Ok);
        Assert.Equal(["web_search (web_search_20250305)"], result.DroppedTools);
        Assert.Equal(1, body.GetProperty("tools").GetArrayLength());
    }

    [Theory]
    [InlineData("""{"type":"auto"}""", "\"auto\"")]
    [InlineData("""{"type":"any"}""", "\"required\"")]
    [InlineData("""{"type":"none"}""", "\"none\"")]
    [InlineData("""{"type":"tool","name":"get_weather"}""", """{"type":"function","function":{"name":"get_weather"}}""")]
    public void Translate_ToolChoice_MapsEachVariant(string anthropic, string openAI)
    {
        var body = TranslateOk(Request($"\"tools\":[{Tool}],\"tool_choice\":{anthropic}"));
        Assert.True(JsonElement.DeepEquals(Json(openAI), body.GetProperty("tool_choice")), body.GetProperty("tool_choice").GetRawText());
        Assert.False(body.TryGetProperty("parallel_tool_calls", out _));
    }

    [Fact]
    public void Translate_DisableParallelToolUse_SetsParallelToolCallsFalse()
    {
        var body = TranslateOk(Request($$"""
            "tools":[{{Tool}}],"tool_choice":{"type":"any","disable_parallel_tool_use":true}
            """));
        Assert.Equal(JsonValueKind.False, body.GetProperty("parallel_tool_calls").ValueKind);
        Assert.Equal("required", body.GetProperty("tool_choice").GetString());
    }

    [Fact]
    public void Translate_StopSequences_BecomeStop_FirstFourOnly()
    {
        var (result, body) = TranslateRequest(Request("""
            "stop_sequences":["a","b","c","d","e"]
            """));
        Assert.Equal(["a", "b", "c", "d"], body.GetProperty("stop").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(["a", "b", "c", "d", "e"], result.StopSequences);
        Assert.False(body.TryGetProperty("stop_sequences", out _));
    }

    [Fact]
    public void Translate_ReasoningTarget_DropsStopTopPAndTemperatureOtherThanOne()
    {
        var body = TranslateOk(Request("""
            "stop_sequences":["x"],"top_p":0.9,"top_k":5,"temperature":0.2
            """), Gpt5);
        Assert.False(body.TryGetProperty("stop", out _));
        Assert.False(body.TryGetProperty("top_p", out _));
        Assert.False(body.TryGetProperty("temperature", out _));
        Assert.False(body.TryGetProperty("top_k", out _));
        Assert.Equal(1024, body.GetProperty("max_completion_tokens").GetInt32());
        Assert.False(body.TryGetProperty("max_tokens", out _));
    }

    [Fact]
    public void Translate_ReasoningTarget_KeepsTemperatureOne()
    {
        var body = TranslateOk(Request("\"temperature\":1"), Gpt5);
        Assert.Equal(1, body.GetProperty("temperature").GetDouble());
    }

    [Fact]
    public void Translate_ChatTarget_KeepsSamplingDropsTopK()
    {
        var body = TranslateOk(Request("""
            "top_p":0.9,"top_k":5,"temperature":0.2
            """));
        Assert.Equal(0.9, body.GetProperty("top_p").GetDouble());
        Assert.Equal(0.2, body.GetProperty("temperature").GetDouble());
        Assert.False(body.TryGetProperty("top_k", out _));
        Assert.Equal(1024, body.GetProperty("max_tokens").GetInt32());
    }

    [Theory]
    [InlineData(null, 1024)]
    [InlineData(500, 500)]
    [InlineData(4096, 1024)]
    public void Translate_MaxTokens_IsCappedAtDeploymentLimit(int? cap, int expected)
    {
        var body = TranslateOk(Request(), Gpt4o with { MaxOutputTokens = cap });
        Assert.Equal(expected, body.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public void Translate_ShortUserId_IsForwardedAsUser()
    {
        var body = TranslateOk(Request("""
            "metadata":{"user_id":"user-123"}
            """));
        Assert.Equal("user-123", body.GetProperty("user").GetString());
        Assert.False(body.TryGetProperty("metadata", out _));
    }

    [Fact]
    public void Translate_LongUserId_IsHashedTo64Chars_Deterministically()
    {
        var longId = new string('u', 65);
        var first = TranslateOk(Request($"\"metadata\":{{\"user_id\":\"{longId}\"}}")).GetProperty("user").GetString()!;
        var second = TranslateOk(Request($"\"metadata\":{{\"user_id\":\"{longId}\"}}")).GetProperty("user").GetString()!;
        var other = TranslateOk(Request($"\"metadata\":{{\"user_id\":\"{longId}x\"}}")).GetProperty("user").GetString()!;
        Assert.Equal(64, first.Length);
        Assert.StartsWith("sha256:", first, StringComparison.Ordinal);
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Theory]
    [InlineData("""{"type":"enabled","budget_tokens":1024}""", null, "low")]
    [InlineData("""{"type":"enabled","budget_tokens":4096}""", null, "medium")]
    [InlineData("""{"type":"enabled","budget_tokens":16383}""", null, "medium")]
    [InlineData("""{"type":"enabled","budget_tokens":16384}""", null, "high")]
    [InlineData("""{"type":"adaptive"}""", null, "medium")]
    [InlineData("""{"type":"adaptive"}""", "low", "low")]
    [InlineData("""{"type":"enabled","budget_tokens":32000}""", "medium", "medium")]
    [InlineData("""{"type":"disabled"}""", "high", null)]
    public void Translate_ThinkingAndEffort_MapToReasoningEffort_OnReasoningTarget(string thinking, string? effort, string? expected)
    {
        var extra = $"\"thinking\":{thinking}" + (effort is null ? "" : $",\"output_config\":{{\"effort\":\"{effort}\"}}");
        var reasoning = TranslateOk(Request(extra), Gpt5);
        var chat = TranslateOk(Request(extra), Gpt4o);

        Assert.Equal(expected, reasoning.TryGetProperty("reasoning_effort", out var e) ? e.GetString() : null);
        Assert.False(chat.TryGetProperty("reasoning_effort", out _));
        Assert.False(reasoning.TryGetProperty("thinking", out _));
        Assert.False(reasoning.TryGetProperty("output_config", out _));
    }

    [Fact]
    public void Translate_OutputFormatJsonSchema_BecomesResponseFormat()
    {
        var body = TranslateOk(Request("""
            "output_config":{"effort":"low","format":{"type":"json_schema","schema":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":false}}}
            """));
        var expected = Json("""
            {"type":"json_schema","json_schema":{"name":"output","schema":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":false},"strict":true}}
            """);
        Assert.True(JsonElement.DeepEquals(expected, body.GetProperty("response_format")));
        Assert.False(body.TryGetProperty("output_config", out _));
    }

    [Fact]
    public void Translate_AnthropicOnlyParams_AreNeverForwarded_EvenWithoutDropParams()
    {
        var body = TranslateOk(Request("""
            "context_management":{"edits":[]},"betas":["x"],"service_tier":"auto","container":"c","mcp_servers":[],"top_k":3,"cache_control":{"type":"ephemeral"}
            """));
        Assert.Empty(OpenAIChatRequestValidator.Validate(body, false));
        Assert.Equal(["model", "messages", "max_tokens"], body.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Translate_UnknownParam_ForwardedUnlessDropParams()
    {
        const string extra = "\"seed\":42";
        Assert.Equal(42, TranslateOk(Request(extra)).GetProperty("seed").GetInt32());
        Assert.False(TranslateOk(Request(extra), Gpt4o with { DropParams = true }).TryGetProperty("seed", out _));
    }

    [Fact]
    public void Translate_AdditionalDropParams_RemovesOpenAIKeysToo()
    {
        var target = Gpt4o with { AdditionalDropParams = ["temperature", "user", "seed"] };
        var body = TranslateOk(Request("""
            "temperature":0.5,"metadata":{"user_id":"u"},"seed":1
            """), target);
        Assert.False(body.TryGetProperty("temperature", out _));
        Assert.False(body.TryGetProperty("user", out _));
        Assert.False(body.TryGetProperty("seed", out _));
    }

    [Fact]
    public void Translate_AdditionalDropParams_NamingTheClientsField_RemovesWhatItBecomes()
    {
        var target = Gpt5 with { AdditionalDropParams = ["thinking", "metadata"] };
        var body = TranslateOk(Request("""
            "thinking":{"type":"enabled","budget_tokens":20000},"metadata":{"user_id":"u"}
            """), target);
        Assert.False(body.TryGetProperty("reasoning_effort", out _));
        Assert.False(body.TryGetProperty("user", out _));
        // stop only reaches non-reasoning deployments
        var noStop = TranslateOk(Request("""
            "stop_sequences":["END"]
            """), Gpt4o with { AdditionalDropParams = ["stop_sequences"] });
        Assert.False(noStop.TryGetProperty("stop", out _));
        Assert.True(TranslateOk(Request("""
            "stop_sequences":["END"]
            """), Gpt4o).TryGetProperty("stop", out _));

        var kept = TranslateOk(Request("""
            "thinking":{"type":"enabled","budget_tokens":20000}
            """), Gpt5 with { AdditionalDropParams = ["stop_sequences"] });
        Assert.Equal("high", kept.GetProperty("reasoning_effort").GetString());
    }

    [Fact]
    public void Translate_DefaultParams_FillInButNeverOverrideOrBreakReasoningRules()
    {
        var defaults = new Dictionary<string, JsonElement>
        {
            ["temperature"] = Json("0.3"),
            ["seed"] = Json("7"),
            ["model"] = Json("\"other\""),
        };
        var chat = TranslateOk(Request(), Gpt4o with { DefaultParams = defaults });
        Assert.Equal(0.3, chat.GetProperty("temperature").GetDouble());
        Assert.Equal(7, chat.GetProperty("seed").GetInt32());
        Assert.Equal("gpt-4o", chat.GetProperty("model").GetString());

        var clientWins = TranslateOk(Request("\"temperature\":0.9"), Gpt4o with { DefaultParams = defaults });
        Assert.Equal(0.9, clientWins.GetProperty("temperature").GetDouble());

        var reasoning = TranslateOk(Request(), Gpt5 with { DefaultParams = defaults });
        Assert.False(reasoning.TryGetProperty("temperature", out _));

        var one = new Dictionary<string, JsonElement> { ["temperature"] = Json("1") };
        Assert.Equal(1, TranslateOk(Request("\"temperature\":0.2"), Gpt5 with { DefaultParams = one }).GetProperty("temperature").GetDouble());
    }

    [Fact]
    public void Translate_Stream_AddsIncludeUsage_UnlessDisabled()
    {
        var body = TranslateOk(Request("\"stream\":true"));
        Assert.True(body.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        var without = TranslateOk(Request("\"stream\":true"), Gpt4o with { IncludeStreamUsage = false });
        Assert.True(without.GetProperty("stream").GetBoolean());
        Assert.False(without.TryGetProperty("stream_options", out _));
        Assert.False(TranslateOk(Request("\"stream\":false")).TryGetProperty("stream", out _));
    }

    [Fact]
    public void Translate_LongToolName_IsMappedConsistently_AndRestorable()
    {
        var longName = "mcp__some-very-long-server-name__" + new string('x', 50) + ".action";
        var tool = $$$"""{"name":"{{{longName}}}","input_schema":{"type":"object"}}""";
        var (result, body) = TranslateRequest(Request(
            $"\"tools\":[{tool}],\"tool_choice\":{{\"type\":\"tool\",\"name\":\"{longName}\"}}",
            $$$"""
            [{"role":"user","content":"go"},
             {"role":"assistant","content":[{"type":"tool_use","id":"toolu_9","name":"{{{longName}}}","input":{}}]},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_9","content":"ok"}]}]
            """));
        Assert.True(result.Ok, result.ErrorMessage);
        var declared = body.GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString()!;
        Assert.Matches("^[a-zA-Z0-9_-]{1,64}$", declared);
        Assert.Equal(declared, body.GetProperty("tool_choice").GetProperty("function").GetProperty("name").GetString());
        Assert.Equal(declared, Messages(body)[1].GetProperty("tool_calls")[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal(longName, result.ToolNames.ToClient(declared));
        Assert.Empty(OpenAIChatRequestValidator.Validate(body, false));
    }

    [Fact]
    public void Translate_BridgeToolIds_AreReturnedToUpstreamUnprefixed()
    {
        var body = TranslateOk(Request("\"tools\":[" + Tool + "]", """
            [{"role":"user","content":"go"},
             {"role":"assistant","content":[{"type":"tool_use","id":"toolu_bridge_call_K6FBD04InTGTtS3cnuSyCRSv","name":"get_weather","input":{"city":"Paris"}}]},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_bridge_call_K6FBD04InTGTtS3cnuSyCRSv","content":"18C"}]}]
            """));
        Assert.Equal("call_K6FBD04InTGTtS3cnuSyCRSv", Messages(body)[1].GetProperty("tool_calls")[0].GetProperty("id").GetString());
        Assert.Equal("call_K6FBD04InTGTtS3cnuSyCRSv", Messages(body)[2].GetProperty("tool_call_id").GetString());
    }

    [Fact]
    public void Translate_AssistantWithOnlyToolUse_HasNullContent()
    {
        var body = TranslateOk(Request("\"tools\":[" + Tool + "]", """
            [{"role":"user","content":"go"},
             {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"A"}},{"type":"tool_use","id":"toolu_2","name":"get_weather","input":{"city":"B"}}]},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_2","content":"b"},{"type":"tool_result","tool_use_id":"toolu_1","content":"a"}]}]
            """));
        var assistant = Messages(body)[1];
        Assert.Equal(JsonValueKind.Null, assistant.GetProperty("content").ValueKind);
        Assert.Equal(2, assistant.GetProperty("tool_calls").GetArrayLength());
        Assert.Empty(OpenAIChatRequestValidator.Validate(body, false));
    }
}
