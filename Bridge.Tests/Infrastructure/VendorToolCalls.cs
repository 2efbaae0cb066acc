using System.Text.Json;
using System.Text.Json.Nodes;
using static Bridge.Tests.Translation.AnthropicToResponses.ResponsesVendorExamples;

namespace Bridge.Tests.Infrastructure;

/// <summary>
/// One function call as each upstream protocol answers it, whole and streamed, in the shapes the vendors document:
/// Chat Completions <c>message.tool_calls</c> and streamed <c>delta.tool_calls</c> (OpenAI's API reference, "Functions"
/// examples); an Anthropic <c>tool_use</c> content block and its <c>input_json_delta</c> events (Anthropic's tool use
/// and streaming docs); a Responses <c>function_call</c> output item and its <c>response.function_call_arguments.*</c>
/// events (OpenAI's Responses reference, reusing <see cref="Translation.AnthropicToResponses.ResponsesVendorExamples"/>).
/// </summary>
public static class VendorToolCalls
{
    public static string ChatCompletion(string callId, string name, string arguments) =>
        $$$"""
        {"id":"chatcmpl-abc123","object":"chat.completion","created":1699896916,"model":"gpt-4o-mini",
         "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
            {"id":"{{{callId}}}","type":"function","function":{"name":"{{{name}}}","arguments":{{{JsonSerializer.Serialize(arguments)}}}}}]},
          "logprobs":null,"finish_reason":"tool_calls"}],
         "usage":{"prompt_tokens":82,"completion_tokens":17,"total_tokens":99,
                  "completion_tokens_details":{"reasoning_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}
        }
        """;

    /// <summary>The first delta names the call with empty arguments; the arguments follow in two pieces.</summary>
    public static string[] ChatChunks(string callId, string name, string arguments)
    {
        var half = arguments.Length / 2;
        return
        [
            OpenAIResponses.Chunk($$$"""{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"{{{callId}}}","type":"function","function":{"name":"{{{name}}}","arguments":""}}],"refusal":null}"""),
            OpenAIResponses.Chunk($$$"""{"tool_calls":[{"index":0,"function":{"arguments":{{{JsonSerializer.Serialize(arguments[..half])}}}}}]}"""),
            OpenAIResponses.Chunk($$$"""{"tool_calls":[{"index":0,"function":{"arguments":{{{JsonSerializer.Serialize(arguments[half..])}}}}}]}"""),
            OpenAIResponses.Chunk("{}", "tool_calls"),
            OpenAIResponses.UsageChunk(82, 17),
        ];
    }

    public static string AnthropicMessage(string toolUseId, string name, string inputJson) =>
        JsonSerializer.Serialize(new
        {
            id = "msg_01Aq9w938a90dw8q",
            type = "message",
            role = "assistant",
            model = "claude-sonnet-4-5-20250929",
            content = new object[]
            {
                new { type = "text", text = "I'll check the weather for you." },
                new { type = "tool_use", id = toolUseId, name, input = JsonNode.Parse(inputJson) },
            },
            stop_reason = "tool_use",
            stop_sequence = (string?)null,
            usage = new { input_tokens = 472, cache_creation_input_tokens = 0, cache_read_input_tokens = 0, output_tokens = 89 },
        });

    public static List<(string Event, string Data)> AnthropicStream(string toolUseId, string name, string inputJson) =>
        AnthropicResponses.StreamEvents(null, [(toolUseId, name, inputJson)]);

    /// <summary>The Responses <c>function_call</c> item, done, as <see cref="FunctionCallDone"/> carries it.</summary>
    public static JsonNode ResponsesItem(string arguments)
    {
        var item = JsonNode.Parse(FunctionCallDone)!["item"]!.DeepClone();
        item["arguments"] = arguments;
        return item;
    }

    /// <summary>The documented response object with the function call as its only output.</summary>
    public static string ResponsesObject(string arguments)
    {
        var response = JsonNode.Parse(ResponseObject)!;
        response["output"] = new JsonArray(ResponsesItem(arguments));
        return response.ToJsonString();
    }

    /// <summary>
    /// created, the function_call item added, its arguments in two deltas, arguments done, the item done, completed.
    /// The item is the first output here (the examples number it 1, after a reasoning item this stream does not have).
    /// </summary>
    public static string[] ResponsesEvents(string arguments)
    {
        static string First(string json) => json.Replace("\"output_index\":1", "\"output_index\":0", StringComparison.Ordinal);
        var half = arguments.Length / 2;
        var delta = JsonNode.Parse(FunctionCallArgumentsDelta)!;
        var firstDelta = delta.DeepClone();
        firstDelta["delta"] = arguments[..half];
        var secondDelta = delta.DeepClone();
        secondDelta["delta"] = arguments[half..];
        // response.function_call_arguments.done: type, item_id, output_index, arguments (Responses streaming reference).
        var argumentsDone = new JsonObject
        {
            ["type"] = "response.function_call_arguments.done",
            ["item_id"] = "item-abc",
            ["output_index"] = 0,
            ["arguments"] = arguments,
        };
        var itemDone = JsonNode.Parse(First(FunctionCallDone))!;
        itemDone["item"] = ResponsesItem(arguments);
        var completed = JsonNode.Parse(Completed)!;
        completed["response"]!["output"] = new JsonArray(ResponsesItem(arguments));
        return
        [
            Created,
            First(FunctionCallAdded),
            firstDelta.ToJsonString(),
            secondDelta.ToJsonString(),
            argumentsDone.ToJsonString(),
            itemDone.ToJsonString(),
            completed.ToJsonString(),
        ];
    }
}
