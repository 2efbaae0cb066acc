using Bridge.Tests.Infrastructure;
using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.ChatToResponses;
using static Bridge.Tests.Translation.TranslationTestHelpers;

namespace Bridge.Tests.Translation.ChatToResponses;

internal static class ChatToResponsesTestHelpers
{
    public static readonly OpenAITarget Gpt4o = new() { Model = "gpt-4o" };

    public static readonly OpenAITarget Gpt5 = new() { Model = "gpt-5.4", IsReasoningModel = true };

    public static (ChatToResponsesRequestTranslation Result, JsonElement Body) Translate(JsonElement chat, OpenAITarget? target = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var result = ChatToResponsesRequest.Translate(TestTapes.Of(chat), target ?? Gpt4o, buffer);
        if (!result.Ok)
        {
            return (result, default);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return (result, document.RootElement.Clone());
    }

    public static (ChatToResponsesRequestTranslation Result, JsonElement Body) TranslateOk(string chatJson, OpenAITarget? target = null)
    {
        var (result, body) = Translate(Json(chatJson), target);
        Assert.True(result.Ok, result.ErrorMessage);
        return (result, body);
    }

    /// <summary>Translates a request that must fail; returns (message, param).</summary>
    public static (string Message, string? Param) Fail(string chatJson, OpenAITarget? target = null)
    {
        var (result, _) = Translate(Json(chatJson), target);
        Assert.False(result.Ok, "expected a 400");
        Assert.False(string.IsNullOrEmpty(result.ErrorMessage));
        return (result.ErrorMessage!, result.ErrorParam);
    }

    /// <summary>Structural JSON equality (property order ignored, numbers compared by value).</summary>
    public static void AssertJsonEqual(string expected, JsonElement actual) =>
        Assert.True(JsonElement.DeepEquals(Json(expected), actual), $"expected {Json(expected).GetRawText()}\nactual   {actual.GetRawText()}");

    /// <summary>A minimal request around <paramref name="messagesJson"/> plus extra top-level JSON members.</summary>
    public static string Request(string messagesJson, string extra = "") =>
        $$"""{"model":"gpt-4o","messages":{{messagesJson}}{{(extra.Length > 0 ? "," + extra : "")}}}""";

    public const string Hi = """[{"role":"user","content":"hi"}]""";
}
