using Bridge.Tests.Infrastructure;
using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Translation.OpenAIToAnthropic;
using static Bridge.Tests.Translation.TranslationTestHelpers;

namespace Bridge.Tests.Translation.OpenAIToAnthropic;

internal static class ChatToMessagesTestHelpers
{
    public static readonly AnthropicTarget Claude = new() { Model = "claude-sonnet-4-5-20250929" };

    public static (ChatRequestTranslation Result, JsonElement Body) Translate(string openAIJson, AnthropicTarget? target = null) =>
        Translate(Json(openAIJson), target);

    public static (ChatRequestTranslation Result, JsonElement Body) Translate(JsonElement openAI, AnthropicTarget? target = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var result = ChatRequestToMessages.Translate(TestTapes.Of(openAI), target ?? Claude, buffer);
        if (!result.Ok)
        {
            return (result, default);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return (result, document.RootElement.Clone());
    }

    /// <summary>Translates a request that must succeed and must be a valid Anthropic request.</summary>
    public static JsonElement TranslateValid(string openAIJson, AnthropicTarget? target = null)
    {
        var (result, body) = Translate(openAIJson, target);
        Assert.True(result.Ok, result.ErrorMessage);
        var errors = AnthropicMessagesRequestValidator.Validate(body);
        Assert.True(errors.Count == 0, string.Join("\n", errors) + "\n" + body.GetRawText());
        return body;
    }

    /// <summary>Translates a request that must fail; returns (message, param).</summary>
    public static (string Message, string? Param) Fail(string openAIJson, AnthropicTarget? target = null)
    {
        var (result, _) = Translate(openAIJson, target);
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
