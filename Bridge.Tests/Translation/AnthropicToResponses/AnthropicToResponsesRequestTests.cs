using System.Text.Json;
using Bridge.Gateway.Translation.AnthropicToResponses;
using static Bridge.Tests.Translation.AnthropicToResponses.ResponsesTestHelpers;

namespace Bridge.Tests.Translation.AnthropicToResponses;

/// <summary>Anthropic Messages request -> Responses request, field by field (docs/translation.md, section 6).</summary>
public class AnthropicToResponsesRequestTests
{
    private const string AnthropicSignature = "EqQBCkgIARABGAIiQL2U3vHWmLE8aSGsT1Vne6ICsGIwXSY1x0Z7P9L1kEFV";

    [Fact]
    public void System_BecomesInstructions_WithoutBillingHeader_AndTextTurnsBecomeMessageItems()
    {
        var body = TranslateOk("""
            {"model":"claude-sonnet-5","max_tokens":1000,
             "system":[{"type":"text","text":"x-anthropic-billing-header: cc_version=2.1"},{"type":"text","text":"You are Claude Code.","cache_control":{"type":"ephemeral"}},{"type":"text","text":"Be brief."}],
             "messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"text","text":"Hello"},{"type":"text","text":"there"}]},{"role":"system","content":"note"},{"role":"user","content":[{"type":"text","text":"again"}]}]}
            """);

        Assert.Equal("gpt-4o", body.GetProperty("model").GetString());
        Assert.Equal("You are Claude Code.\n\nBe brief.", body.GetProperty("instructions").GetString());
        Assert.False(body.GetProperty("store").GetBoolean());
        Assert.Equal(1000, body.GetProperty("max_output_tokens").GetInt32());
        Assert.False(body.TryGetProperty("stream", out _));
        Assert.False(body.TryGetProperty("include", out _));
        var input = Input(body);
        Assert.Equal(4, input.Count);
        Assert.Equal("""{"type":"message","role":"user","content":[{"type":"input_text","text":"hi"}]}""", input[0].GetRawText());
        Assert.Equal("""{"type":"message","role":"assistant","content":[{"type":"output_text","text":"Hello"},{"type":"output_text","text":"there"}]}""", input[1].GetRawText());
        Assert.Equal("""{"type":"message","role":"system","content":"note"}""", input[2].GetRawText());
        Assert.Equal("input_text", input[3].GetProperty("content")[0].GetProperty("type").GetString());
    }

    [Fact]
    public void ToolLoop_BecomesFunctionCallAndOutputItems_InOrder()
    {
        var body = TranslateOk("""
            {"model":"m","max_tokens":100,"messages":[
              {"role":"user","content":"list files"},
              {"role":"assistant","content":[{"type":"text","text":"Running ls."},{"type":"tool_use","id":"toolu_bridge_call_abc","name":"Bash","input":{"command":"ls"}},{"type":"tool_use","id":"toolu_01X","name":"Read","input":{"file_path":"/a"}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_bridge_call_abc","content":"a.txt"},{"type":"tool_result","tool_use_id":"toolu_01X","is_error":true,"content":[{"type":"text","text":"no such file"}]},{"type":"text","text":"go on"}]}]}
            """);

        var input = Input(body);
        Assert.Equal(["message", "message", "function_call", "function_call", "function_call_output", "function_call_output", "message"], input.Select(Type));
        Assert.Equal("""{"type":"function_call","call_id":"call_abc","name":"Bash","arguments":"{\"command\":\"ls\"}"}""", input[2].GetRawText());
        Assert.Equal("toolu_01X", input[3].GetProperty("call_id").GetString());
        Assert.Equal("""{"type":"function_call_output","call_id":"call_abc","output":"a.txt"}""", input[4].GetRawText());
        Assert.Equal("[tool error] no such file", input[5].GetProperty("output").GetString());
        Assert.Equal("go on", input[6].GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public void ToolUseWithoutResult_IsAnError()
    {
        var (result, _) = Translate(Json("""
            {"model":"m","max_tokens":100,"messages":[{"role":"user","content":"x"},{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"Bash","input":{}}]},{"role":"user","content":"no result"}]}
            """));

        Assert.False(result.Ok);
        Assert.Contains("toolu_1", result.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void ImagesAndDocuments_BecomeInputImageAndInputFile()
    {
        var body = TranslateOk("""
            {"model":"m","max_tokens":100,"messages":[{"role":"user","content":[
              {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
              {"type":"image","source":{"type":"url","url":"https://example.com/a.png"}},
              {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0x"}},
              {"type":"document","title":"spec","source":{"type":"url","url":"https://example.com/a.pdf"}},
              {"type":"document","title":"notes","source":{"type":"text","media_type":"text/plain","data":"plain"}}]}]}
            """);

        var parts = Input(body)[0].GetProperty("content").EnumerateArray().ToList();
        Assert.Equal("""{"type":"input_image","image_url":"data:image/png;base64,iVBORw0KGgo=","detail":"auto"}""", parts[0].GetRawText());
        Assert.Equal("https://example.com/a.png", parts[1].GetProperty("image_url").GetString());
        Assert.Equal("""{"type":"input_file","filename":"document.pdf","file_data":"data:application/pdf;base64,JVBERi0x"}""", parts[2].GetRawText());
        Assert.Equal("""{"type":"input_file","file_url":"https://example.com/a.pdf"}""", parts[3].GetRawText());
        Assert.Equal("notes\n\nplain", parts[4].GetProperty("text").GetString());
    }

    [Fact]
    public void ToolResultImages_FollowInTheUserMessage()
    {
        var body = TranslateOk("""
            {"model":"m","max_tokens":100,"messages":[{"role":"user","content":"x"},
              {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"Shot","input":{}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"done"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}}]}]}]}
            """);

        var input = Input(body);
        Assert.Equal(["message", "function_call", "function_call_output", "message"], input.Select(Type));
        Assert.StartsWith("done\n[the tool result's images", input[2].GetProperty("output").GetString(), StringComparison.Ordinal);
        Assert.Equal("input_image", input[3].GetProperty("content")[0].GetProperty("type").GetString());
    }

    [Fact]
    public void Tools_AreFlatFunctions_WebSearchMaps_OtherServerToolsAreDroppedAndNamed()
    {
        var (result, body) = Translate(Json("""
            {"model":"m","max_tokens":100,"messages":[{"role":"user","content":"x"}],
             "tools":[{"name":"Bash","description":"Run","input_schema":{"type":"object","properties":{"command":{"type":"string"}}}},
                      {"type":"web_search_20250305","name":"web_search","max_uses":3,"allowed_domains":["example.com"]},
                      {"type":"bash_20250124","name":"bash"}],
             "tool_choice":{"type":"tool","name":"Bash","disable_parallel_tool_use":true}}
            """));

        Assert.True(result.Ok, result.ErrorMessage);
        var tools = body.GetProperty("tools").EnumerateArray().ToList();
        Assert.Equal("""{"type":"function","name":"Bash","description":"Run","parameters":{"type":"object","properties":{"command":{"type":"string"}}},"strict":false}""", tools[0].GetRawText());
        Assert.Equal("""{"type":"web_search","filters":{"allowed_domains":["example.com"]}}""", tools[1].GetRawText());
        Assert.Equal(2, tools.Count);
        Assert.Equal(["bash (bash_20250124)"], result.DroppedTools);
        Assert.Equal("""{"type":"function","name":"Bash"}""", body.GetProperty("tool_choice").GetRawText());
        Assert.False(body.GetProperty("parallel_tool_calls").GetBoolean());
    }

    [Theory]
    [InlineData("auto", "\"auto\"")]
    [InlineData("any", "\"required\"")]
    [InlineData("none", "\"none\"")]
    public void ToolChoice_Maps(string anthropic, string expected)
    {
        var body = TranslateOk($$$"""
            {"model":"m","max_tokens":100,"messages":[{"role":"user","content":"x"}],
             "tools":[{"name":"T","input_schema":{"type":"object"}}],"tool_choice":{"type":"{{{anthropic}}}"}}
            """);

        Assert.Equal(expected, body.GetProperty("tool_choice").GetRawText());
    }

    [Fact]
    public void ToolChoice_WithoutTools_IsLeftOut()
    {
        var body = TranslateOk("""{"model":"m","max_tokens":100,"messages":[{"role":"user","content":"x"}],"tools":[],"tool_choice":{"type":"any"}}""");

        Assert.False(body.TryGetProperty("tools", out _));
        Assert.False(body.TryGetProperty("tool_choice", out _));
    }

    [Theory]
    [InlineData("""{"type":"enabled","budget_tokens":31999}""", null, "high")]
    [InlineData("""{"type":"enabled","budget_tokens":2000}""", null, "low")]
    [InlineData("""{"type":"adaptive"}""", null, "medium")]
    [InlineData("""{"type":"adaptive"}""", "low", "low")]
    [InlineData(null, "max", "high")]
    public void Thinking_OnReasoningDeployment_AsksForEffortSummaryAndEncryptedReasoning(string? thinking, string? effort, string expected)
    {
        var extra = (thinking is null ? "" : $",\"thinking\":{thinking}") + (effort is null ? "" : $",\"output_config\":{{\"effort\":\"{effort}\"}}");
        var body = TranslateOk("""{"model":"m","max_tokens":100,"messages":[{"role":"user","content":"x"}],"temperature":1""" + extra + "}", Gpt5);

        Assert.Equal($$"""{"effort":"{{expected}}","summary":"auto"}""", body.GetProperty("reasoning").GetRawText());
        Assert.Equal("""["reasoning.encrypted_content"]""", body.GetProperty("include").GetRawText());
        Assert.False(body.GetProperty("store").GetBoolean());
        Assert.False(body.TryGetProperty("temperature", out _)); // Claude Code's temperature 1: the default, not sent
    }

    [Theory]
    [InlineData("""{"type":"disabled"}""", true)]
    [InlineData("""{"type":"enabled","budget_tokens":5000}""", false)]
    public void NoReasoning_WhenDisabledOrNotAReasoningDeployment(string thinking, bool reasoningTarget)
    {
        var body = TranslateOk($$$"""{"model":"m","max_tokens":100,"messages":[{"role":"user","content":"x"}],"thinking":{{{thinking}}},"output_config":{"effort":"high"}}""",
            reasoningTarget ? Gpt5 : Gpt4o);

        Assert.False(body.TryGetProperty("reasoning", out _));
        Assert.False(body.TryGetProperty("include", out _));
        Assert.False(body.TryGetProperty("thinking", out _));
        Assert.False(body.TryGetProperty("output_config", out _));
    }

    [Fact]
    public void Sampling_StopAndLimits_FollowTheDeployment()
    {
        var request = """
            {"model":"m","max_tokens":64000,"messages":[{"role":"user","content":"x"}],"temperature":0.2,"top_p":0.9,"top_k":5,
             "stop_sequences":["END"],"metadata":{"user_id":"u-1"},"stream":true}
            """;
        var (chatResult, chatBody) = Translate(Json(request), Gpt4o with { MaxOutputTokens = 16384 });
        var (reasoningResult, reasoningBody) = Translate(Json(request), Gpt5);

        Assert.Equal(0.2, chatBody.GetProperty("temperature").GetDouble());
        Assert.Equal(0.9, chatBody.GetProperty("top_p").GetDouble());
        Assert.Equal(16384, chatBody.GetProperty("max_output_tokens").GetInt32());
        Assert.Equal("u-1", chatBody.GetProperty("user").GetString());
        Assert.True(chatBody.GetProperty("stream").GetBoolean());
        Assert.False(chatBody.TryGetProperty("stream_options", out _));
        Assert.False(chatBody.TryGetProperty("stop", out _));
        Assert.False(chatBody.TryGetProperty("top_k", out _));
        Assert.Equal(["END"], chatResult.StopSequences);
        Assert.Equal(["stop_sequences"], chatResult.DroppedParams);

        Assert.False(reasoningBody.TryGetProperty("temperature", out _));
        Assert.False(reasoningBody.TryGetProperty("top_p", out _));
        Assert.Equal(["stop_sequences"], reasoningResult.DroppedParams);
    }

    [Fact]
    public void MaxTokens_BelowOpenAIsMinimum_IsRaisedTo16()
    {
        var body = TranslateOk("""{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}]}""");

        Assert.Equal(16, body.GetProperty("max_output_tokens").GetInt32());
    }

    [Fact]
    public void OutputFormat_BecomesTextFormat()
    {
        var body = TranslateOk("""{"model":"m","max_tokens":100,"messages":[{"role":"user","content":"x"}],"output_config":{"format":{"type":"json_schema","schema":{"type":"object"}}}}""");

        Assert.Equal("""{"format":{"type":"json_schema","name":"output","schema":{"type":"object"},"strict":true}}""", body.GetProperty("text").GetRawText());
    }

    [Fact]
    public void OwnSignedThinking_GoesBackAsTheReasoningItem_AtItsPlace()
    {
        var signature = ReasoningSignature.Encode("rs_6806bfca0b2481918a5748308061a2600d3ce51bdffd5476", "gAAAAABenc==", Key);
        var body = TranslateOk($$$"""
            {"model":"m","max_tokens":100,"thinking":{"type":"adaptive"},"messages":[{"role":"user","content":"x"},
              {"role":"assistant","content":[{"type":"thinking","thinking":"**Respond** briefly","signature":"{{{signature}}}"},{"type":"tool_use","id":"toolu_bridge_call_1","name":"Bash","input":{"command":"ls"}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_bridge_call_1","content":"ok"}]}]}
            """, Gpt5);

        var input = Input(body);
        Assert.Equal(["message", "reasoning", "function_call", "function_call_output"], input.Select(Type));
        Assert.Equal(
            """{"type":"reasoning","id":"rs_6806bfca0b2481918a5748308061a2600d3ce51bdffd5476","encrypted_content":"gAAAAABenc==","summary":[{"type":"summary_text","text":"**Respond** briefly"}]}""",
            input[1].GetRawText());
    }

    [Fact]
    public void OwnSignedThinking_WithNothingAfterIt_IsNotSent()
    {
        // OpenAI refuses a reasoning item without its following item; a turn cut off while reasoning has none.
        var signature = ReasoningSignature.Encode("rs_1", "gAAAAABenc==", Key);
        var body = TranslateOk($$$"""
            {"model":"m","max_tokens":100,"messages":[{"role":"user","content":"x"},
              {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"{{{signature}}}"}]},
              {"role":"user","content":"continue"}]}
            """, Gpt5);

        Assert.Equal(["message", "message"], Input(body).Select(Type));
    }

    [Fact]
    public void ForeignTamperedOrEmptySignatures_AreNeverSent()
    {
        var ours = ReasoningSignature.Encode("rs_1", "gAAAAABenc==", Key);
        var otherKey = ReasoningSignature.Encode("rs_2", "gAAAAABother==", OtherKey);
        var tampered = ours[..^3] + (ours[^3] == 'A' ? "B" : "A") + ours[^2..];
        var body = TranslateOk($$$"""
            {"model":"m","max_tokens":100,"messages":[{"role":"user","content":"x"},
              {"role":"assistant","content":[
                {"type":"thinking","thinking":"anthropic","signature":"{{{AnthropicSignature}}}"},
                {"type":"thinking","thinking":"other gateway","signature":"{{{otherKey}}}"},
                {"type":"thinking","thinking":"edited","signature":"{{{tampered}}}"},
                {"type":"thinking","thinking":"unsigned","signature":""},
                {"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP"},
                {"type":"text","text":"answer"}]},
              {"role":"user","content":"next"}]}
            """, Gpt5);

        var raw = body.GetRawText();
        Assert.Equal(["message", "message", "message"], Input(body).Select(Type));
        Assert.DoesNotContain(AnthropicSignature, raw, StringComparison.Ordinal);
        Assert.DoesNotContain("gAAAAAB", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("anthropic", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("EmwKAhgB", raw, StringComparison.Ordinal);
    }

    [Fact]
    public void AdditionalDropParams_AndDefaults_Apply()
    {
        var target = Gpt4o with
        {
            AdditionalDropParams = ["user", "metadata"],
            DefaultParams = new Dictionary<string, JsonElement>
            {
                ["temperature"] = Json("0.5"),
                ["max_tokens"] = Json("5"),
                ["stop"] = Json("[\"x\"]"),
                ["truncation"] = Json("\"auto\""),
            },
        };
        var body = TranslateOk("""{"model":"m","max_tokens":100,"metadata":{"user_id":"u"},"messages":[{"role":"user","content":"x"}]}""", target);

        Assert.False(body.TryGetProperty("user", out _));
        Assert.Equal(0.5, body.GetProperty("temperature").GetDouble());
        Assert.Equal("auto", body.GetProperty("truncation").GetString());
        Assert.Equal(100, body.GetProperty("max_output_tokens").GetInt32());
        Assert.False(body.TryGetProperty("max_tokens", out _));
        Assert.False(body.TryGetProperty("stop", out _));
    }
}
