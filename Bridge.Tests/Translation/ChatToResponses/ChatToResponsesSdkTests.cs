#pragma warning disable OPENAI001 // ReasoningEffortLevel is marked experimental in the SDK

using System.Buffers;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using System.Text.Json;
using Bridge.Gateway.Translation.ChatToResponses;
using Bridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using OpenAI;
using OpenAI.Chat;
using V = Bridge.Tests.Translation.AnthropicToResponses.ResponsesVendorExamples;

namespace Bridge.Tests.Translation.ChatToResponses;

/// <summary>
/// The official OpenAI .NET SDK's ChatClient reads what the translators write: a real HTTP server (FakeUpstream)
/// takes the SDK's POST /chat/completions, translates it into a Responses request (which must succeed), and
/// answers with the translation of a Responses answer.
/// </summary>
public class ChatToResponsesSdkTests
{
    private static ChatClient Client(FakeUpstream upstream) =>
        new("my-gpt", new ApiKeyCredential("sk-test"), new OpenAIClientOptions
        {
            Endpoint = new Uri(upstream.BaseUrl + "/v1"),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        });

    private static ChatToResponsesRequestTranslation TranslateRequest(RecordedRequest request, out JsonElement responsesBody, Gateway.Translation.OpenAITarget? target = null)
    {
        using var document = JsonDocument.Parse(request.Body);
        var buffer = new ArrayBufferWriter<byte>();
        var result = ChatToResponsesRequest.Translate(TestTapes.Of(document.RootElement), target ?? ChatToResponsesTestHelpers.Gpt5, buffer);
        Assert.True(result.Ok, result.ErrorMessage);
        responsesBody = JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
        return result;
    }

    private static ChatTool Weather() => ChatTool.CreateFunctionTool(
        "get_weather", "Weather of a city", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}}}"""));

    [Fact]
    public async Task Sdk_reads_a_translated_non_streaming_completion_with_reasoning_text_and_a_tool_call()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        JsonElement sent = default;
        upstream.Handler = async (context, request) =>
        {
            TranslateRequest(request, out sent);
            var response = TranslationTestHelpers.Json("""
                {"id":"resp_1","object":"response","status":"completed","error":null,"incomplete_details":null,"output":[
                  {"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"Need the weather."}],"encrypted_content":"gAAAA=="},
                  {"id":"msg_1","type":"message","role":"assistant","status":"completed","content":[{"type":"output_text","text":"Checking.","annotations":[]}]},
                  {"id":"fc_1","type":"function_call","call_id":"call_12345xyz","name":"get_weather","arguments":"{\"city\":\"Paris\"}","status":"completed"}],
                 "usage":{"input_tokens":40,"input_tokens_details":{"cached_tokens":32},"output_tokens":9,"output_tokens_details":{"reasoning_tokens":4},"total_tokens":49}}
                """);
            var output = new ArrayBufferWriter<byte>();
            Assert.True(ResponsesResponseToChat.Translate(response, "my-gpt", output).Ok);
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(output.WrittenMemory);
        };

        var options = new ChatCompletionOptions { Tools = { Weather() }, ReasoningEffortLevel = ChatReasoningEffortLevel.Low, MaxOutputTokenCount = 500 };
        ChatCompletion completion = await Client(upstream).CompleteChatAsync(
            [new SystemChatMessage("Be brief."), new UserChatMessage("Weather in Paris?")], options);

        Assert.Equal("Be brief.", sent.GetProperty("instructions").GetString());
        Assert.Equal("low", sent.GetProperty("reasoning").GetProperty("effort").GetString());
        Assert.Equal(500, sent.GetProperty("max_output_tokens").GetInt32());
        Assert.Equal("get_weather", sent.GetProperty("tools")[0].GetProperty("name").GetString());

        Assert.StartsWith("chatcmpl-", completion.Id);
        Assert.Equal("my-gpt", completion.Model);
        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        Assert.Equal("Checking.", completion.Content[0].Text);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("call_12345xyz", call.Id);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.Equal("{\"city\":\"Paris\"}", call.FunctionArguments.ToString());
        Assert.Equal(40, completion.Usage.InputTokenCount);
        Assert.Equal(9, completion.Usage.OutputTokenCount);
        Assert.Equal(49, completion.Usage.TotalTokenCount);
        Assert.Equal(32, completion.Usage.InputTokenDetails.CachedTokenCount);
        Assert.Equal(4, completion.Usage.OutputTokenDetails.ReasoningTokenCount);
    }

    [Fact]
    public async Task Sdk_reads_every_chunk_of_a_translated_stream_and_sends_the_tool_result_back_with_the_same_call_id()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var sent = new List<JsonElement>();
        upstream.Handler = async (context, request) =>
        {
            var result = TranslateRequest(request, out var body);
            sent.Add(body);
            Assert.True(result.Stream);
            var translator = new ResponsesStreamToChat(result.RequestedModel, result.IncludeUsage);
            var output = new ArrayBufferWriter<byte>();
            string[] events =
            [
                V.Created, V.ReasoningAdded, V.ReasoningSummaryDelta, V.ReasoningDone, V.MessageAdded, V.TextDelta,
                """{"type":"response.output_text.delta","item_id":"msg_123","output_index":0,"content_index":0,"delta":" Paris"}""",
                V.FunctionCallAdded, V.FunctionCallArgumentsDelta,
                """{"type":"response.function_call_arguments.delta","item_id":"item-abc","output_index":1,"delta":" 1}"}""",
                V.FunctionCallDone,
                """{"type":"response.completed","response":{"id":"resp_1","object":"response","status":"completed","output":[],"usage":{"input_tokens":30,"input_tokens_details":{"cached_tokens":8},"output_tokens":6,"output_tokens_details":{"reasoning_tokens":2},"total_tokens":36}}}""",
            ];
            foreach (var e in events)
            {
                Assert.True(translator.OnEvent(null, Encoding.UTF8.GetBytes(e), output));
            }

            Assert.True(translator.Completed);
            translator.WriteDone(output);
            context.Response.ContentType = "text/event-stream";
            await context.Response.Body.WriteAsync(output.WrittenMemory);
        };

        var options = new ChatCompletionOptions { Tools = { Weather() } }; // the SDK asks for stream_options.include_usage itself
        var text = new StringBuilder();
        var args = new StringBuilder();
        string? callId = null, name = null;
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        string? model = null;
        await foreach (var update in Client(upstream).CompleteChatStreamingAsync([new UserChatMessage("Weather in Paris?")], options))
        {
            model ??= update.Model;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            foreach (var call in update.ToolCallUpdates)
            {
                Assert.Equal(0, call.Index);
                callId ??= call.ToolCallId;
                name ??= call.FunctionName;
                args.Append(call.FunctionArgumentsUpdate?.ToString());
            }

            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal("my-gpt", model);
        Assert.Equal("In Paris", text.ToString());
        Assert.Equal(("call_12345xyz", "get_weather", "{ \"arg\": 1}"), (callId, name, args.ToString()));
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.Equal((30, 6, 36), (usage!.InputTokenCount, usage.OutputTokenCount, usage.TotalTokenCount));
        Assert.Equal(8, usage.InputTokenDetails.CachedTokenCount);
        Assert.Equal(2, usage.OutputTokenDetails.ReasoningTokenCount);

        // The client's next turn: the call and its result go up as function_call / function_call_output with the upstream's call_id.
        await foreach (var _ in Client(upstream).CompleteChatStreamingAsync(
            [
                new UserChatMessage("Weather in Paris?"),
                new AssistantChatMessage([ChatToolCall.CreateFunctionToolCall(callId!, name!, BinaryData.FromString(args.ToString()))]),
                new ToolChatMessage(callId!, "18C"),
            ],
            options))
        {
        }

        var input = sent[1].GetProperty("input");
        Assert.Equal("function_call", input[1].GetProperty("type").GetString());
        Assert.Equal("call_12345xyz", input[1].GetProperty("call_id").GetString());
        Assert.Equal("{ \"arg\": 1}", input[1].GetProperty("arguments").GetString());
        Assert.Equal("function_call_output", input[2].GetProperty("type").GetString());
        Assert.Equal("call_12345xyz", input[2].GetProperty("call_id").GetString());
        Assert.Equal("18C", input[2].GetProperty("output").GetString());
    }

    [Fact]
    public async Task Sdk_sees_an_upstream_failure_mid_stream_as_an_unfinished_answer()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = async (context, request) =>
        {
            var result = TranslateRequest(request, out _);
            var translator = new ResponsesStreamToChat(result.RequestedModel, result.IncludeUsage);
            var output = new ArrayBufferWriter<byte>();
            Assert.True(translator.OnEvent(null, Encoding.UTF8.GetBytes(V.Created), output));
            Assert.True(translator.OnEvent(null, Encoding.UTF8.GetBytes(V.TextDelta), output));
            Assert.False(translator.OnEvent(null, Encoding.UTF8.GetBytes(V.Failed), output));
            translator.WriteError(translator.UpstreamError!, "server_error", output);
            context.Response.ContentType = "text/event-stream";
            await context.Response.Body.WriteAsync(output.WrittenMemory);
        };

        // The .NET SDK does not raise on an in-stream error frame (the Python SDK does): it sees the text so far
        // and a stream that ends without a finish_reason, i.e. a broken-off answer, never a finished one.
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in Client(upstream).CompleteChatStreamingAsync([new UserChatMessage("hi")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
        }

        Assert.Equal("In", text.ToString());
        Assert.Null(finish);
    }

    [Fact]
    public async Task Sdk_reads_the_token_log_probabilities_it_asked_for()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        JsonElement sent = default;
        upstream.Handler = async (context, request) =>
        {
            TranslateRequest(request, out sent, ChatToResponsesTestHelpers.Gpt4o);
            var response = TranslationTestHelpers.Json("""
                {"id":"resp_1","object":"response","status":"completed","error":null,"output":[
                  {"id":"msg_1","type":"message","role":"assistant","status":"completed","content":[{"type":"output_text","text":"Hi","annotations":[],
                   "logprobs":[{"token":"Hi","logprob":-0.25,"bytes":[72,105],"top_logprobs":[{"token":"Hi","logprob":-0.25,"bytes":[72,105]},{"token":"Hey","logprob":-1.5,"bytes":[72,101,121]}]}]}]}],
                 "usage":{"input_tokens":5,"output_tokens":1,"total_tokens":6}}
                """);
            var output = new ArrayBufferWriter<byte>();
            Assert.True(ResponsesResponseToChat.Translate(response, "my-gpt", output).Ok);
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(output.WrittenMemory);
        };

        ChatCompletion completion = await Client(upstream).CompleteChatAsync(
            [new UserChatMessage("hi")], new ChatCompletionOptions { IncludeLogProbabilities = true, TopLogProbabilityCount = 2 });

        Assert.Equal("message.output_text.logprobs", sent.GetProperty("include")[0].GetString());
        Assert.Equal(2, sent.GetProperty("top_logprobs").GetInt32());
        var token = Assert.Single(completion.ContentTokenLogProbabilities);
        Assert.Equal(("Hi", -0.25f), (token.Token, token.LogProbability));
        Assert.Equal(["Hi", "Hey"], token.TopLogProbabilities.Select(t => t.Token));
    }
}
