using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Gateway.Translation.ResponsesToChat;
using Bridge.Tests.Infrastructure;
using static Bridge.Tests.Translation.ResponsesToChat.ResponsesToChatTestHelpers;

namespace Bridge.Tests.Translation.ResponsesToChat;

/// <summary>
/// A Codex tool loop through both directions: the recorded request goes up, the upstream's tool calls come back
/// as Responses items, and Codex's next request (those items plus their outputs) goes up again with the
/// upstream's own call ids and the apply_patch input intact.
/// </summary>
public class ResponsesToChatRoundTripTests
{
    [Fact]
    public void Codex_tool_loop_returns_the_upstream_call_ids_and_the_free_form_patch()
    {
        const string patch = "*** Begin Patch\n*** Add File: hello.txt\n+hello \"bridge\"\n*** End Patch\n";
        var request = Fixtures.CodexRequest("codex-tool-call");
        var (first, _) = TranslateOk(request);

        var stream = new ChatToResponsesStream(first.RequestedModel, first.ToolNames, first.CustomTools);
        var sse = new ArrayBufferWriter<byte>();
        var patchArguments = JsonSerializer.Serialize(new { input = patch });
        foreach (var chunk in new[]
        {
            OpenAIResponses.Chunk("""{"role":"assistant","content":"On it."}"""),
            OpenAIResponses.Chunk("""{"tool_calls":[{"index":0,"id":"call_up1","type":"function","function":{"name":"exec_command","arguments":"{\"cmd\":\"ls\"}"}}]}"""),
            OpenAIResponses.Chunk("""{"tool_calls":[{"index":1,"id":"call_up2","type":"function","function":{"name":"apply_patch","arguments":""}}]}"""),
            OpenAIResponses.Chunk("{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":" + JsonSerializer.Serialize(patchArguments) + "}}]}"),
            OpenAIResponses.Chunk("{}", "tool_calls"),
        })
        {
            Assert.True(stream.OnChunk(Encoding.UTF8.GetBytes(chunk), sse));
        }

        stream.WriteEnd(sse);
        var completed = TranslationTestHelpers.ParseSse(sse.WrittenSpan).Single(e => e.EventType == "response.completed");
        var output = JsonNode.Parse(completed.Data)!["response"]!["output"]!.AsArray();
        Assert.Equal(["message", "function_call", "custom_tool_call"], output.Select(o => (string?)o!["type"]));

        // Codex's next request: the output items as they came, then an output for each call.
        var next = JsonNode.Parse(request.GetRawText())!.AsObject();
        var input = next["input"]!.AsArray();
        foreach (var item in output)
        {
            input.Add(item!.DeepClone());
        }

        input.Add(new JsonObject { ["type"] = "function_call_output", ["call_id"] = (string?)output[1]!["call_id"], ["output"] = "hello.txt" });
        input.Add(new JsonObject { ["type"] = "custom_tool_call_output", ["call_id"] = (string?)output[2]!["call_id"], ["output"] = "Success. Updated the following files:\nA hello.txt" });
        var (_, body) = TranslateOk(TranslationTestHelpers.Json(next.ToJsonString()));

        var messages = body.GetProperty("messages").EnumerateArray().ToList();
        var assistant = messages[^3];
        Assert.Equal("assistant", assistant.GetProperty("role").GetString());
        Assert.Equal("On it.", assistant.GetProperty("content").GetString());
        var calls = assistant.GetProperty("tool_calls").EnumerateArray().ToList();
        Assert.Equal(["call_up1", "call_up2"], calls.Select(c => c.GetProperty("id").GetString()));
        Assert.Equal("exec_command", calls[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("{\"cmd\":\"ls\"}", calls[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("apply_patch", calls[1].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal(patch, CustomToolInput.DecodeArguments(calls[1].GetProperty("function").GetProperty("arguments").GetString()));
        Assert.Equal("call_up1", messages[^2].GetProperty("tool_call_id").GetString());
        Assert.Equal("call_up2", messages[^1].GetProperty("tool_call_id").GetString());
        Assert.Equal("tool", messages[^1].GetProperty("role").GetString());
    }
}
