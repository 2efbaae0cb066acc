using Bridge.Tests.Infrastructure;
using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Translation.OpenAIToAnthropic;
using Bridge.Gateway.Translation.ResponsesToChat;
using Bridge.Gateway.Translation.ResponsesToMessages;
using Bridge.Tests.Translation.OpenAIToAnthropic;

namespace Bridge.Tests.Translation.ResponsesToMessages;

internal static class ResponsesToMessagesTestHelpers
{
    public static readonly AnthropicTarget Claude = new() { Model = "claude-sonnet-4-5-20250929" };

    public static (ResponsesRequestTranslation Result, JsonElement Body) Translate(JsonElement request, AnthropicTarget? target = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var result = ResponsesToMessagesRequest.Translate(TestTapes.Of(request), target ?? Claude, buffer);
        if (!result.Ok)
        {
            return (result, default);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return (result, document.RootElement.Clone());
    }

    /// <summary>Translates a request that must succeed and must be a valid Anthropic Messages body.</summary>
    public static (ResponsesRequestTranslation Result, JsonElement Body) TranslateValid(JsonElement request, AnthropicTarget? target = null)
    {
        var (result, body) = Translate(request, target);
        Assert.True(result.Ok, result.ErrorMessage);
        var errors = AnthropicMessagesRequestValidator.Validate(body);
        Assert.True(errors.Count == 0, string.Join("\n", errors) + "\n" + body.GetRawText());
        return (result, body);
    }

    public static (ResponsesRequestTranslation Result, JsonElement Body) TranslateValid(string json, AnthropicTarget? target = null) =>
        TranslateValid(TranslationTestHelpers.Json(json), target);

    public static ResponsesRequestTranslation Error(string json, AnthropicTarget? target = null)
    {
        var (result, _) = Translate(TranslationTestHelpers.Json(json), target);
        Assert.False(result.Ok);
        return result;
    }

    public static bool Has(JsonElement obj, string name) => obj.TryGetProperty(name, out _);
}
