using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.AnthropicToResponses;
using Bridge.Tests.Infrastructure;
using static Bridge.Tests.Translation.AnthropicToResponses.ResponsesTestHelpers;

namespace Bridge.Tests.Translation.AnthropicToResponses;

/// <summary>Every recorded real /v1/messages request must become a sound Responses request.</summary>
public class AnthropicToResponsesRequestFixtureTests
{
    public static IEnumerable<object[]> Requests() => Fixtures.MessagesRequests();

    private static readonly string[] ItemTypes = ["message", "function_call", "function_call_output", "reasoning"];
    private static readonly string[] AnthropicOnlyKeys =
    [
        "messages", "system", "max_tokens", "stop_sequences", "stop", "thinking", "output_config", "context_management",
        "metadata", "top_k", "stream_options", "max_completion_tokens", "reasoning_effort",
    ];

    [Theory]
    [MemberData(nameof(Requests))]
    public void RecordedRequest_IsSound_ForChatModel(string file, int seq) => AssertSound(Fixtures.Request(file, seq), Gpt4o);

    [Theory]
    [MemberData(nameof(Requests))]
    public void RecordedRequest_IsSound_ForReasoningModel(string file, int seq) => AssertSound(Fixtures.Request(file, seq), Gpt5 with { MaxOutputTokens = 32000 });

    [Theory]
    [InlineData("cc-text-default", "high")]   // adaptive + output_config.effort high
    [InlineData("cc-effort-low", "low")]      // adaptive + output_config.effort low
    [InlineData("cc-text-sonnet", "high")]    // enabled, budget_tokens 31999
    public void ClaudeCodeThinking_AsksForReasoningAndItsEncryptedContent(string file, string effort)
    {
        var (result, body) = Translate(Fixtures.Request(file, 2), Gpt5);

        Assert.True(result.Ok, result.ErrorMessage);
        Assert.Equal(effort, body.GetProperty("reasoning").GetProperty("effort").GetString());
        Assert.Equal("auto", body.GetProperty("reasoning").GetProperty("summary").GetString());
        Assert.Equal("""["reasoning.encrypted_content"]""", body.GetProperty("include").GetRawText());
    }

    [Fact]
    public void ClaudeCodeToolLoop_WithBridgeSignedThinking_SendsTheReasoningBackBeforeItsCall()
    {
        // The recorded tool loop, as it would look had the thinking come from a Responses deployment through Bridge.
        var json = Fixtures.RequestJson("cc-tool-read-default", 3);
        var signed = 0;
        foreach (var message in json["messages"]!.AsArray())
        {
            if (message!["content"] is JsonArray blocks)
            {
                foreach (var block in blocks)
                {
                    if ((string?)block!["type"] == "thinking")
                    {
                        block["signature"] = ReasoningSignature.Encode($"rs_{++signed}", $"gAAAAABenc{signed}==", Key);
                    }
                }
            }
        }

        Assert.True(signed > 0);
        var (result, body) = Translate(Json(json.ToJsonString()), Gpt5);

        Assert.True(result.Ok, result.ErrorMessage);
        var input = Input(body);
        var reasoning = input.FindIndex(i => Type(i) == "reasoning");
        Assert.True(reasoning >= 0);
        Assert.Equal("rs_1", input[reasoning].GetProperty("id").GetString());
        Assert.Equal("gAAAAABenc1==", input[reasoning].GetProperty("encrypted_content").GetString());
        // What the model produced after that reasoning follows it: the assistant's text, then its call.
        Assert.Equal("message", Type(input[reasoning + 1]));
        Assert.Equal("function_call", Type(input[reasoning + 2]));
        Assert.Equal("toolu_01FgdzHtEdbCW7kAlhW7vnqpOR", input[reasoning + 2].GetProperty("call_id").GetString());
        Assert.Equal("function_call_output", Type(input[reasoning + 3]));
    }

    [Fact]
    public void LargeClaudeCodeRequest_IsFast()
    {
        var anthropic = Fixtures.Request("cc-tool-bash-sonnet", 3);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256 * 1024);
        for (var i = 0; i < 20; i++)
        {
            buffer.ResetWrittenCount();
            AnthropicToResponsesRequest.Translate(TestTapes.Of(anthropic), Gpt5, Key, buffer);
        }

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        const int runs = 50;
        for (var i = 0; i < runs; i++)
        {
            buffer.ResetWrittenCount();
            AnthropicToResponsesRequest.Translate(TestTapes.Of(anthropic), Gpt5, Key, buffer);
        }

        // Generous bound (shared 2-core box), as for the Chat Completions translator.
        Assert.True(stopwatch.Elapsed.TotalMilliseconds / runs < 10, $"{stopwatch.Elapsed.TotalMilliseconds / runs:F2} ms per request");
    }

    private static void AssertSound(JsonElement anthropic, OpenAITarget target)
    {
        var (result, body) = Translate(anthropic, target);
        Assert.True(result.Ok, result.ErrorMessage);
        var raw = body.GetRawText();

        Assert.Equal(target.Model, body.GetProperty("model").GetString());
        Assert.False(body.GetProperty("store").GetBoolean());
        Assert.True(body.GetProperty("max_output_tokens").GetInt32() >= 16);
        foreach (var key in AnthropicOnlyKeys)
        {
            Assert.False(body.TryGetProperty(key, out _), $"'{key}' sent upstream");
        }

        if (anthropic.TryGetProperty("system", out _))
        {
            var instructions = body.GetProperty("instructions").GetString()!;
            Assert.NotEmpty(instructions);
            Assert.DoesNotContain("x-anthropic-billing-header", instructions, StringComparison.Ordinal);
        }

        // Every call has exactly one output, after it; no output without its call.
        var open = new HashSet<string>(StringComparer.Ordinal);
        var answered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in Input(body))
        {
            var type = Type(item);
            Assert.Contains(type, ItemTypes);
            Assert.NotEqual("reasoning", type); // recorded thinking is signed by Anthropic: never ours to send
            switch (type)
            {
                case "function_call":
                    Assert.True(open.Add(item.GetProperty("call_id").GetString()!));
                    JsonDocument.Parse(item.GetProperty("arguments").GetString()!).Dispose();
                    break;
                case "function_call_output":
                    var id = item.GetProperty("call_id").GetString()!;
                    Assert.True(open.Remove(id), $"output for unknown call {id}");
                    Assert.True(answered.Add(id));
                    Assert.Equal(JsonValueKind.String, item.GetProperty("output").ValueKind);
                    break;
                case "message":
                    var role = item.GetProperty("role").GetString();
                    Assert.Contains(role, new[] { "user", "assistant", "system" });
                    if (item.GetProperty("content").ValueKind == JsonValueKind.Array)
                    {
                        var partType = role == "assistant" ? "output_text" : null;
                        foreach (var part in item.GetProperty("content").EnumerateArray())
                        {
                            var t = part.GetProperty("type").GetString();
                            Assert.True(partType is null ? t is "input_text" or "input_image" or "input_file" : t == partType, $"{role} part {t}");
                        }
                    }

                    break;
            }
        }

        Assert.Empty(open);

        // No thinking signature of the recording (Anthropic's) reaches the upstream.
        foreach (var message in anthropic.GetProperty("messages").EnumerateArray())
        {
            if (message.GetProperty("content").ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var block in message.GetProperty("content").EnumerateArray())
            {
                if (block.TryGetProperty("signature", out var signature) && signature.GetString() is { Length: > 0 } s)
                {
                    Assert.DoesNotContain(s, raw, StringComparison.Ordinal);
                }
            }
        }

        var tools = anthropic.TryGetProperty("tools", out var t2) ? t2.GetArrayLength() : 0;
        Assert.Equal(tools, (body.TryGetProperty("tools", out var sent) ? sent.GetArrayLength() : 0) + result.DroppedTools.Count);
    }
}
