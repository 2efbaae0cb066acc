using Bridge.Tests.Infrastructure;
using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.AnthropicToOpenAI;
using Bridge.Gateway.Translation.AnthropicToResponses;

namespace Bridge.Tests.Translation.AnthropicToResponses;

internal static class ResponsesTestHelpers
{
    /// <summary>The gateway derives its key from the master key; any 32 bytes do for the translators.</summary>
    public static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    public static readonly byte[] OtherKey = Enumerable.Range(101, 32).Select(i => (byte)i).ToArray();

    public static readonly OpenAITarget Gpt4o = new() { Model = "gpt-4o" };

    public static readonly OpenAITarget Gpt5 = new() { Model = "gpt-5.4", IsReasoningModel = true };

    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static (RequestTranslation Result, JsonElement Body) Translate(JsonElement anthropic, OpenAITarget? target = null, byte[]? key = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var result = AnthropicToResponsesRequest.Translate(TestTapes.Of(anthropic), target ?? Gpt4o, key ?? Key, buffer);
        if (!result.Ok)
        {
            return (result, default);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return (result, document.RootElement.Clone());
    }

    public static JsonElement TranslateOk(string anthropicJson, OpenAITarget? target = null, byte[]? key = null)
    {
        var (result, body) = Translate(Json(anthropicJson), target, key);
        Assert.True(result.Ok, result.ErrorMessage);
        return body;
    }

    public static List<JsonElement> Input(JsonElement body) => body.GetProperty("input").EnumerateArray().ToList();

    public static string Type(JsonElement item) => item.GetProperty("type").GetString()!;
}
