using Bridge.Tests.Infrastructure;
using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.ResponsesToChat;

namespace Bridge.Tests.Translation.ResponsesToChat;

internal static class ResponsesToChatTestHelpers
{
    /// <summary>A current Chat Completions reasoning deployment (developer role, reasoning_effort, verbosity).</summary>
    public static readonly OpenAITarget Gpt5 = new() { Model = "gpt-5.2", IsReasoningModel = true };

    public static readonly OpenAITarget Gpt41 = new() { Model = "gpt-4.1" };

    public static (ResponsesRequestTranslation Result, JsonElement Body) Translate(JsonElement request, OpenAITarget? target = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var result = ResponsesToChatRequest.Translate(TestTapes.Of(request), target ?? Gpt5, buffer);
        if (!result.Ok)
        {
            return (result, default);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return (result, document.RootElement.Clone());
    }

    /// <summary>Translates a request that must succeed and must be a valid Chat Completions body.</summary>
    public static (ResponsesRequestTranslation Result, JsonElement Body) TranslateOk(JsonElement request, OpenAITarget? target = null)
    {
        var (result, body) = Translate(request, target);
        Assert.True(result.Ok, result.ErrorMessage);
        Assert.Empty(OpenAIChatRequestValidator.Validate(body, (target ?? Gpt5).IsReasoningModel));
        return (result, body);
    }

    public static (ResponsesRequestTranslation Result, JsonElement Body) TranslateOk(string json, OpenAITarget? target = null) =>
        TranslateOk(TranslationTestHelpers.Json(json), target);

    public static ResponsesRequestTranslation Error(string json, OpenAITarget? target = null)
    {
        var (result, _) = Translate(TranslationTestHelpers.Json(json), target);
        Assert.False(result.Ok);
        return result;
    }

    public static bool Has(JsonElement obj, string name) => obj.TryGetProperty(name, out _);
}
