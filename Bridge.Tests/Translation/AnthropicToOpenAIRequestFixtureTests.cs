using Bridge.Tests.Infrastructure;
using System.Text.Json;
using Bridge.Gateway.Translation;
using Xunit.Abstractions;
using static Bridge.Tests.Translation.TranslationTestHelpers;

namespace Bridge.Tests.Translation;

/// <summary>Every recorded real /v1/messages request must become a valid Chat Completions request.</summary>
public class AnthropicToOpenAIRequestFixtureTests(ITestOutputHelper output)
{
    public static IEnumerable<object[]> Requests() => Fixtures.MessagesRequests();

    [Fact]
    public void Fixtures_AreFound_AndIncludeClaudeCodeAndSdkTraffic()
    {
        var requests = Requests().ToList();
        Assert.True(requests.Count >= 15, $"only {requests.Count} recorded requests found in {Fixtures.Directory}");
        Assert.Contains(requests, r => ((string)r[0]).StartsWith("cc-", StringComparison.Ordinal));
        Assert.Contains(requests, r => ((string)r[0]).StartsWith("sdk-anthropic", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public void Translate_RecordedRequest_IsValidForChatModel(string file, int seq)
    {
        var anthropic = Fixtures.Request(file, seq);
        var (result, body) = TranslateRequest(anthropic, Gpt4o);

        Assert.True(result.Ok, result.ErrorMessage);
        Assert.Empty(OpenAIChatRequestValidator.Validate(body, reasoningTarget: false));
        Assert.Equal(anthropic.GetProperty("model").GetString(), result.RequestedModel);
        Assert.Equal("gpt-4o", body.GetProperty("model").GetString());
        AssertNothingLost(anthropic, body);
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public void Translate_RecordedRequest_IsValidForReasoningModel(string file, int seq)
    {
        var anthropic = Fixtures.Request(file, seq);
        var target = Gpt5 with { MaxOutputTokens = 16000 };
        var (result, body) = TranslateRequest(anthropic, target);

        Assert.True(result.Ok, result.ErrorMessage);
        Assert.Empty(OpenAIChatRequestValidator.Validate(body, reasoningTarget: true));
        Assert.True(body.GetProperty("max_completion_tokens").GetInt32() <= 16000);
        AssertNothingLost(anthropic, body);
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public void Translate_RecordedRequest_WithDropParams_IsValid(string file, int seq)
    {
        var anthropic = Fixtures.Request(file, seq);
        var (result, body) = TranslateRequest(anthropic, Gpt4o with { DropParams = true });

        Assert.True(result.Ok, result.ErrorMessage);
        Assert.Empty(OpenAIChatRequestValidator.Validate(body, reasoningTarget: false));
    }

    [Fact]
    public void Translate_ClaudeCodeToolResultTurn_KeepsOrderAndIds()
    {
        var anthropic = Fixtures.Request("cc-tool-read-default", 3);
        var body = TranslateRequest(anthropic).Body;
        var messages = body.GetProperty("messages").EnumerateArray().ToList();
        var roles = messages.Select(m => m.GetProperty("role").GetString()).ToList();

        // system (joined blocks), user, system (in place), assistant (thinking dropped), tool.
        Assert.Equal(["system", "user", "system", "assistant", "tool"], roles);
        var assistant = messages[3];
        Assert.Equal("I'll read the file.", assistant.GetProperty("content").GetString());
        var call = assistant.GetProperty("tool_calls")[0];
        Assert.Equal("toolu_01FgdzHtEdbCW7kAlhW7vnqpOR", call.GetProperty("id").GetString());
        Assert.Equal("Read", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("{\"file_path\":\"/home/dev/work/read/hello.txt\"}", call.GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("toolu_01FgdzHtEdbCW7kAlhW7vnqpOR", messages[4].GetProperty("tool_call_id").GetString());
        Assert.Equal("1\thello from file\n2\t", messages[4].GetProperty("content").GetString());

        // The billing header block is dropped; the other system blocks are joined with a blank line.
        var system = messages[0].GetProperty("content").GetString()!;
        Assert.StartsWith("You are a Claude agent, built on Anthropic's Claude Agent SDK.\n\n", system, StringComparison.Ordinal);
        Assert.DoesNotContain("x-anthropic-billing-header", system, StringComparison.Ordinal);
    }

    [Fact]
    public void Translate_ClaudeCodeRequest_StreamsWithUsageAndHashesLongUserId()
    {
        var anthropic = Fixtures.Request("cc-text-default", 2);
        var (result, body) = TranslateRequest(anthropic);

        Assert.True(result.Stream);
        Assert.True(body.GetProperty("stream").GetBoolean());
        Assert.True(body.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        var userId = anthropic.GetProperty("metadata").GetProperty("user_id").GetString()!;
        Assert.True(userId.Length > 64);
        var user = body.GetProperty("user").GetString()!;
        Assert.Equal(64, user.Length);
        Assert.StartsWith("sha256:", user, StringComparison.Ordinal);
        Assert.Equal(anthropic.GetProperty("tools").GetArrayLength(), body.GetProperty("tools").GetArrayLength());
    }

    [Theory]
    [InlineData("cc-text-default", "high")]   // adaptive + output_config.effort high
    [InlineData("cc-effort-low", "low")]      // adaptive + output_config.effort low
    [InlineData("cc-text-sonnet", "high")]    // enabled, budget_tokens 31999
    public void Translate_ClaudeCodeThinking_MapsToReasoningEffort(string file, string expected)
    {
        var body = TranslateRequest(Fixtures.Request(file, 2), Gpt5).Body;
        Assert.Equal(expected, body.GetProperty("reasoning_effort").GetString());
    }

    [Fact]
    public void Translate_LargeClaudeCodeRequest_IsFast()
    {
        var anthropic = Fixtures.Request("cc-tool-bash-sonnet", 3);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256 * 1024);
        for (var i = 0; i < 20; i++)
        {
            buffer.ResetWrittenCount();
            Gateway.Translation.AnthropicToOpenAI.AnthropicToOpenAIRequest.Translate(TestTapes.Of(anthropic), Gpt4o, buffer);
        }

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        const int runs = 50;
        for (var i = 0; i < runs; i++)
        {
            buffer.ResetWrittenCount();
            Gateway.Translation.AnthropicToOpenAI.AnthropicToOpenAIRequest.Translate(TestTapes.Of(anthropic), Gpt4o, buffer);
        }

        // Generous bound (shared 2-core CI box); typical is well under 1 ms per request.
        output.WriteLine($"{anthropic.GetRawText().Length / 1024} KB request: {stopwatch.Elapsed.TotalMilliseconds / runs:F3} ms per translation");
        Assert.True(stopwatch.Elapsed.TotalMilliseconds / runs < 10, $"{stopwatch.Elapsed.TotalMilliseconds / runs:F2} ms per request");
    }

    /// <summary>Every tool, tool_use, tool_result and text block of the input is present in the output.</summary>
    private static void AssertNothingLost(JsonElement anthropic, JsonElement openAI)
    {
        var output = openAI.GetRawText();
        if (anthropic.TryGetProperty("tools", out var tools) && tools.GetArrayLength() > 0)
        {
            Assert.Equal(tools.GetArrayLength(), openAI.GetProperty("tools").GetArrayLength());
        }

        var toolCalls = openAI.GetProperty("messages").EnumerateArray()
            .Where(m => m.TryGetProperty("tool_calls", out _))
            .SelectMany(m => m.GetProperty("tool_calls").EnumerateArray())
            .Select(c => c.GetProperty("id").GetString())
            .ToList();
        var toolMessages = openAI.GetProperty("messages").EnumerateArray()
            .Where(m => m.GetProperty("role").GetString() == "tool")
            .Select(m => m.GetProperty("tool_call_id").GetString())
            .ToList();

        var expectedToolUses = 0;
        var expectedToolResults = 0;
        foreach (var message in anthropic.GetProperty("messages").EnumerateArray())
        {
            var content = message.GetProperty("content");
            if (content.ValueKind == JsonValueKind.String)
            {
                Assert.Contains(JsonEncodedText.Encode(content.GetString()!, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString(), output, StringComparison.Ordinal);
                continue;
            }

            foreach (var block in content.EnumerateArray())
            {
                switch (block.GetProperty("type").GetString())
                {
                    case "tool_use": expectedToolUses++; break;
                    case "tool_result": expectedToolResults++; break;
                    case "text":
                        Assert.Contains(JsonEncodedText.Encode(block.GetProperty("text").GetString()!, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString(), output, StringComparison.Ordinal);
                        break;
                }
            }
        }

        Assert.Equal(expectedToolUses, toolCalls.Count);
        Assert.Equal(expectedToolResults, toolMessages.Count);
        Assert.Equal(toolCalls.Order(), toolMessages.Order());
    }
}
