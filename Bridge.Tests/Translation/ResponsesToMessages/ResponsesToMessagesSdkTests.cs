#pragma warning disable OPENAI001 // the Responses client is marked experimental in the SDK

using System.ClientModel;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Gateway.Translation.ResponsesToMessages;
using Bridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using OpenAI.Responses;
using static Bridge.Tests.Translation.ResponsesToMessages.MessagesToResponsesStreamTests;
using static Bridge.Tests.Translation.TranslationTestHelpers;

namespace Bridge.Tests.Translation.ResponsesToMessages;

/// <summary>
/// The official OpenAI .NET SDK's Responses client reads what the Anthropic-upstream translators write: a real
/// HTTP server (FakeUpstream) answers the SDK's POST /responses with the translation of a recorded Anthropic answer.
/// Then the tool loop closes: the streamed items go back as Codex sends them, and reach Anthropic as the blocks it sent.
/// </summary>
public class ResponsesToMessagesSdkTests
{
    private static readonly IReadOnlySet<string> ApplyPatch = new HashSet<string> { "apply_patch" };

    private static ResponsesClient Client(FakeUpstream upstream) =>
        new(new ApiKeyCredential("sk-test"), new ResponsesClientOptions { Endpoint = new Uri(upstream.BaseUrl + "/v1") });

    private static CreateResponseOptions Options(bool stream)
    {
        var options = new CreateResponseOptions { Model = "gpt-5.5", StreamingEnabled = stream };
        options.InputItems.Add(ResponseItem.CreateUserMessageItem("hi"));
        return options;
    }

    private static Func<HttpContext, RecordedRequest, Task> Streaming(string anthropicSse) => async (context, _) =>
    {
        var run = new Run();
        Assert.True(run.Feed(anthropicSse));
        context.Response.ContentType = "text/event-stream";
        await context.Response.Body.WriteAsync(run.Output.WrittenMemory);
    };

    private static async Task<List<StreamingResponseUpdate>> StreamAsync(FakeUpstream upstream)
    {
        var updates = new List<StreamingResponseUpdate>();
        await foreach (var update in await Client(upstream).CreateResponseStreamingAsync(Options(stream: true)))
        {
            updates.Add(update);
        }

        return updates;
    }

    [Fact]
    public async Task Sdk_reads_a_recorded_thinking_stream_as_a_reasoning_item_and_text()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = Streaming(Fixtures.ResponseBody("sdk-anthropic", 5));

        var updates = await StreamAsync(upstream);

        Assert.Equal(Enumerable.Range(0, updates.Count), updates.Select(u => (int)u.SequenceNumber));
        Assert.Equal(
            "The user wants a short greeting. I will answer briefly.",
            string.Concat(updates.OfType<StreamingResponseReasoningSummaryTextDeltaUpdate>().Select(u => u.Delta)));
        var reasoning = Assert.IsType<ReasoningResponseItem>(updates.OfType<StreamingResponseOutputItemDoneUpdate>().First().Item);
        Assert.Equal("The user wants a short greeting. I will answer briefly.", reasoning.GetSummaryText());
        Assert.StartsWith(AnthropicThinkingItem.ThinkingPrefix + "EqQBCkYIBxgCKkDCEvAb", reasoning.EncryptedContent);
        var completed = updates.OfType<StreamingResponseCompletedUpdate>().Single().Response;
        Assert.Equal(ResponseStatus.Completed, completed.Status);
        Assert.Equal("Hi! How can I help you today?", completed.GetOutputText());
        Assert.Equal(43, completed.Usage.InputTokenCount);
        Assert.Equal(12, completed.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task Sdk_reads_a_recorded_tool_use_stream_and_a_non_streaming_answer()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = Streaming(Fixtures.ResponseBody("sdk-anthropic", 1));

        var updates = await StreamAsync(upstream);

        Assert.Equal("Let me check that.", updates.OfType<StreamingResponseOutputTextDoneUpdate>().Single().Text);
        var call = Assert.IsType<FunctionCallResponseItem>(updates.OfType<StreamingResponseOutputItemDoneUpdate>().Last().Item);
        Assert.Equal("toolu_011icRvzojMe02kPg3Z63treYZ", call.CallId);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.Equal("""{"city":"Paris","unit":"celsius"}""", call.FunctionArguments.ToString());
        Assert.Equal(
            """{"city":"Paris","unit":"celsius"}""",
            string.Concat(updates.OfType<StreamingResponseFunctionCallArgumentsDeltaUpdate>().Select(u => u.Delta.ToString())));

        upstream.Handler = async (context, _) =>
        {
            var output = new System.Buffers.ArrayBufferWriter<byte>();
            Assert.True(MessagesToResponsesResponse.Translate(Json(Fixtures.ResponseBody("sdk-anthropic", 3)), "gpt-5.5", ApplyPatch, output).Ok);
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(output.WrittenMemory);
        };
        ResponseResult response = await Client(upstream).CreateResponseAsync(Options(stream: false));
        Assert.Equal("Hi! How can I help you today?", response.GetOutputText());
        Assert.Equal(40, response.Usage.InputTokenCount);
    }

    [Fact]
    public void Codex_tool_loop_sends_the_thinking_block_and_the_call_back_to_anthropic_as_they_came()
    {
        // Anthropic answers with thinking (signed) and an apply_patch call; the stream translator gives Codex its items.
        var run = new Run();
        Assert.True(run.Feed(
            Event("message_start", """{"type":"message_start","message":{"usage":{"input_tokens":5,"output_tokens":1}}}""")
            + Event("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}""")
            + Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Patch the file."}}""")
            + Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"ErUBCkYSIG=="}}""")
            + Event("content_block_stop", """{"type":"content_block_stop","index":0}""")
            + Event("content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01P","name":"apply_patch","input":{}}}""")
            + Event("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"input\":\"*** Begin Patch\\n*** End Patch\\n\"}"}}""")
            + Event("content_block_stop", """{"type":"content_block_stop","index":1}""")
            + Event("message_delta", """{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":20}}""")
            + Event("message_stop", """{"type":"message_stop"}""")));
        var items = run.Events().Where(e => e.GetProperty("type").GetString() == "response.output_item.done").Select(e => e.GetProperty("item")).ToList();

        // Codex's next request: its recorded first turn, then those items as it stores them, then the patch output.
        var request = JsonNode.Parse(Fixtures.CodexRequest("codex-tool-call").GetRawText())!.AsObject();
        var input = request["input"]!.AsArray();
        foreach (var item in items)
        {
            input.Add(JsonNode.Parse(item.GetRawText()));
        }

        input.Add(JsonNode.Parse("""{"type":"custom_tool_call_output","call_id":"toolu_01P","output":"Success."}"""));
        var (_, body) = ResponsesToMessagesTestHelpers.TranslateValid(Json(request.ToJsonString()));

        var messages = body.GetProperty("messages");
        Assert.Equal(
            """[{"type":"thinking","thinking":"Patch the file.","signature":"ErUBCkYSIG=="},{"type":"tool_use","id":"toolu_01P","name":"apply_patch","input":{"input":"*** Begin Patch\n*** End Patch\n"}}]""",
            messages[1].GetProperty("content").GetRawText());
        Assert.Equal("""[{"type":"tool_result","tool_use_id":"toolu_01P","content":"Success."}]""", messages[2].GetProperty("content").GetRawText());

        // The assistant turn has its thinking block: thinking stays on for the rest of the loop.
        Assert.Equal(4096, body.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
    }
}
