#pragma warning disable OPENAI001 // the Responses client is marked experimental in the SDK

using System.ClientModel;
using System.Text;
using System.Text.Json;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.ResponsesToChat;
using Bridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using OpenAI.Responses;

namespace Bridge.Tests.Translation.ResponsesToChat;

/// <summary>
/// The official OpenAI .NET SDK's Responses client reads what the translators write: a real HTTP server
/// (FakeUpstream) answers the SDK's POST /responses with the translation of a Chat Completions answer.
/// </summary>
public class ResponsesToChatSdkTests
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

    /// <summary>Serves the stream translator's output for <paramref name="chunks"/> (and an optional mid-stream error).</summary>
    private static Func<HttpContext, RecordedRequest, Task> Streaming(IEnumerable<string> chunks, string? error = null) => async (context, _) =>
    {
        var translator = new ChatToResponsesStream("gpt-5.5", ToolNameMap.Empty, ApplyPatch);
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        foreach (var chunk in chunks)
        {
            Assert.True(translator.OnChunk(Encoding.UTF8.GetBytes(chunk), output));
        }

        if (error is null)
        {
            translator.WriteEnd(output);
        }
        else
        {
            translator.WriteError("server_error", error, output);
        }

        context.Response.ContentType = "text/event-stream";
        await context.Response.Body.WriteAsync(output.WrittenMemory);
    };

    [Fact]
    public async Task Sdk_reads_a_translated_non_streaming_response_with_text_function_and_custom_tool_calls()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = async (context, _) =>
        {
            var chat = TranslationTestHelpers.Json("""
                {"id":"chatcmpl-1","object":"chat.completion","created":1741569952,"model":"gpt-5.2",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Running it.","tool_calls":[
                   {"id":"call_1","type":"function","function":{"name":"exec_command","arguments":"{\"cmd\":\"ls\"}"}},
                   {"id":"call_2","type":"function","function":{"name":"apply_patch","arguments":"{\"input\":\"*** Begin Patch\\n*** End Patch\\n\"}"}}]},
                  "finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":40,"completion_tokens":9,"total_tokens":49,"prompt_tokens_details":{"cached_tokens":32},"completion_tokens_details":{"reasoning_tokens":4}}}
                """);
            var output = new System.Buffers.ArrayBufferWriter<byte>();
            Assert.True(ChatToResponsesResponse.Translate(chat, "gpt-5.5", ToolNameMap.Empty, ApplyPatch, output).Ok);
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(output.WrittenMemory);
        };

        ResponseResult response = await Client(upstream).CreateResponseAsync(Options(stream: false));

        Assert.Equal("/v1/responses", upstream.LastRequest.Path);
        Assert.StartsWith("resp_", response.Id);
        Assert.Equal(ResponseStatus.Completed, response.Status);
        Assert.Equal("gpt-5.5", response.Model);
        Assert.Equal("Running it.", response.GetOutputText());
        Assert.Equal(3, response.OutputItems.Count);
        var function = Assert.IsType<FunctionCallResponseItem>(response.OutputItems[1]);
        Assert.Equal("call_1", function.CallId);
        Assert.Equal("exec_command", function.FunctionName);
        Assert.Equal("{\"cmd\":\"ls\"}", function.FunctionArguments.ToString());
        var custom = Assert.IsType<CustomToolCallItem>(response.OutputItems[2]);
        Assert.Equal("call_2", custom.CallId);
        Assert.Equal("apply_patch", custom.ToolName);
        Assert.Equal("*** Begin Patch\n*** End Patch\n", custom.Input);
        Assert.Equal(40, response.Usage.InputTokenCount);
        Assert.Equal(32, response.Usage.InputTokenDetails.CachedTokenCount);
        Assert.Equal(9, response.Usage.OutputTokenCount);
        Assert.Equal(4, response.Usage.OutputTokenDetails.ReasoningTokenCount);
        Assert.Equal(49, response.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task Sdk_reads_every_event_of_a_translated_stream_with_text_and_a_tool_call()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = Streaming(
        [
            OpenAIResponses.Chunk("""{"role":"assistant","content":"Hel"}"""),
            OpenAIResponses.Chunk("""{"content":"lo"}"""),
            OpenAIResponses.Chunk("""{"tool_calls":[{"index":0,"id":"call_9","type":"function","function":{"name":"exec_command","arguments":""}}]}"""),
            OpenAIResponses.Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"{\"cmd\":"}}]}"""),
            OpenAIResponses.Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"\"pwd\"}"}}]}"""),
            OpenAIResponses.Chunk("{}", "tool_calls"),
            OpenAIResponses.UsageChunk(30, 6, cachedTokens: 8),
        ]);

        var updates = new List<StreamingResponseUpdate>();
        await foreach (var update in await Client(upstream).CreateResponseStreamingAsync(Options(stream: true)))
        {
            updates.Add(update);
        }

        Assert.Equal(
            [
                typeof(StreamingResponseCreatedUpdate), typeof(StreamingResponseInProgressUpdate),
                typeof(StreamingResponseOutputItemAddedUpdate), typeof(StreamingResponseContentPartAddedUpdate),
                typeof(StreamingResponseOutputTextDeltaUpdate), typeof(StreamingResponseOutputTextDeltaUpdate),
                typeof(StreamingResponseOutputTextDoneUpdate), typeof(StreamingResponseContentPartDoneUpdate),
                typeof(StreamingResponseOutputItemDoneUpdate), typeof(StreamingResponseOutputItemAddedUpdate),
                typeof(StreamingResponseFunctionCallArgumentsDeltaUpdate), typeof(StreamingResponseFunctionCallArgumentsDeltaUpdate),
                typeof(StreamingResponseFunctionCallArgumentsDoneUpdate), typeof(StreamingResponseOutputItemDoneUpdate),
                typeof(StreamingResponseCompletedUpdate),
            ],
            updates.Select(u => u.GetType()));
        Assert.Equal(Enumerable.Range(0, updates.Count), updates.Select(u => (int)u.SequenceNumber));
        Assert.Equal("Hello", string.Concat(updates.OfType<StreamingResponseOutputTextDeltaUpdate>().Select(u => u.Delta)));
        Assert.Equal("Hello", updates.OfType<StreamingResponseOutputTextDoneUpdate>().Single().Text);

        var call = Assert.IsType<FunctionCallResponseItem>(updates.OfType<StreamingResponseOutputItemDoneUpdate>().Last().Item);
        Assert.Equal("call_9", call.CallId);
        Assert.Equal("exec_command", call.FunctionName);
        Assert.Equal("{\"cmd\":\"pwd\"}", call.FunctionArguments.ToString());
        Assert.Equal("{\"cmd\":\"pwd\"}", updates.OfType<StreamingResponseFunctionCallArgumentsDoneUpdate>().Single().FunctionArguments.ToString());

        var completed = updates.OfType<StreamingResponseCompletedUpdate>().Single().Response;
        Assert.Equal(ResponseStatus.Completed, completed.Status);
        Assert.Equal(((StreamingResponseCreatedUpdate)updates[0]).Response.Id, completed.Id);
        Assert.Equal("Hello", completed.GetOutputText());
        Assert.Equal(30, completed.Usage.InputTokenCount);
        Assert.Equal(8, completed.Usage.InputTokenDetails.CachedTokenCount);
        Assert.Equal(6, completed.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task Sdk_reads_a_custom_tool_call_and_reasoning_then_a_failure()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = Streaming(
        [
            OpenAIResponses.Chunk("""{"tool_calls":[{"index":0,"id":"call_p","type":"function","function":{"name":"apply_patch","arguments":"{\"input\":\"*** Begin Patch\\n*** End Patch\\n\"}"}}]}"""),
            OpenAIResponses.Chunk("{}", "tool_calls"),
        ]);

        var updates = new List<StreamingResponseUpdate>();
        await foreach (var update in await Client(upstream).CreateResponseStreamingAsync(Options(stream: true)))
        {
            updates.Add(update);
        }

        Assert.Equal("*** Begin Patch\n*** End Patch\n", updates.OfType<StreamingResponseCustomToolCallInputDoneUpdate>().Single().Input);
        var custom = Assert.IsType<CustomToolCallItem>(updates.OfType<StreamingResponseOutputItemDoneUpdate>().Single().Item);
        Assert.Equal("call_p", custom.CallId);
        Assert.Equal("*** Begin Patch\n*** End Patch\n", custom.Input);

        upstream.Handler = Streaming(
        [
            OpenAIResponses.Chunk("""{"reasoning_content":"Short "}"""),
            OpenAIResponses.Chunk("""{"reasoning_content":"thought."}"""),
            OpenAIResponses.Chunk("""{"content":"Hi"}"""),
        ], error: "upstream broke");
        updates.Clear();
        await foreach (var update in await Client(upstream).CreateResponseStreamingAsync(Options(stream: true)))
        {
            updates.Add(update);
        }

        Assert.Equal("Short thought.", string.Concat(updates.OfType<StreamingResponseReasoningSummaryTextDeltaUpdate>().Select(u => u.Delta)));
        Assert.Equal("Short thought.", updates.OfType<StreamingResponseReasoningSummaryTextDoneUpdate>().Single().Text);
        var reasoning = Assert.IsType<ReasoningResponseItem>(updates.OfType<StreamingResponseOutputItemDoneUpdate>().Single().Item);
        Assert.Equal("Short thought.", reasoning.GetSummaryText());
        var error = updates.OfType<StreamingResponseErrorUpdate>().Single();
        Assert.Equal("server_error", error.Code);
        Assert.Equal("upstream broke", error.Message);
        var failed = updates.OfType<StreamingResponseFailedUpdate>().Single().Response;
        Assert.Equal(ResponseStatus.Failed, failed.Status);
        Assert.Equal("upstream broke", failed.Error.Message);
    }
}
