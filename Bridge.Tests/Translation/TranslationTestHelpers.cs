using Bridge.Tests.Infrastructure;
using System.Buffers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.AnthropicToOpenAI;

namespace Bridge.Tests.Translation;

internal static class TranslationTestHelpers
{
    public static readonly OpenAITarget Gpt4o = new() { Model = "gpt-4o" };

    public static readonly OpenAITarget Gpt5 = new() { Model = "gpt-5-mini", IsReasoningModel = true };

    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>Translates and returns the result with the parsed output (default when not Ok).</summary>
    public static (RequestTranslation Result, JsonElement Body) TranslateRequest(string anthropicJson, OpenAITarget? target = null) =>
        TranslateRequest(Json(anthropicJson), target);

    public static (RequestTranslation Result, JsonElement Body) TranslateRequest(JsonElement anthropic, OpenAITarget? target = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var result = AnthropicToOpenAIRequest.Translate(TestTapes.Of(anthropic), target ?? Gpt4o, buffer);
        if (!result.Ok)
        {
            return (result, default);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return (result, document.RootElement.Clone());
    }

    /// <summary>Translates a request that must succeed.</summary>
    public static JsonElement TranslateOk(string anthropicJson, OpenAITarget? target = null)
    {
        var (result, body) = TranslateRequest(anthropicJson, target);
        Assert.True(result.Ok, result.ErrorMessage);
        return body;
    }

    public static string Error(string anthropicJson, OpenAITarget? target = null)
    {
        var (result, _) = TranslateRequest(anthropicJson, target);
        Assert.False(result.Ok);
        return result.ErrorMessage!;
    }

    public static List<SseItem<string>> ParseSse(ReadOnlySpan<byte> sse)
    {
        using var stream = new MemoryStream(sse.ToArray());
        return SseParser.Create(stream).Enumerate().ToList();
    }

    /// <summary>The OpenAI <c>data:</c> payloads of a recorded stream, without [DONE].</summary>
    public static List<string> OpenAIChunks(string recordedSse)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(recordedSse));
        return SseParser.Create(stream).Enumerate().Select(i => i.Data).Where(d => d != "[DONE]").ToList();
    }

    /// <summary>"event_type" or "event_type:index" or "content_block_delta:index:delta_type" per event, for exact sequence asserts.</summary>
    public static string Describe(SseItem<string> item)
    {
        using var document = JsonDocument.Parse(item.Data);
        var root = document.RootElement;
        Assert.Equal(item.EventType, root.GetProperty("type").GetString());
        return item.EventType switch
        {
            "content_block_start" => $"start:{root.GetProperty("index").GetInt32()}:{root.GetProperty("content_block").GetProperty("type").GetString()}",
            "content_block_delta" => $"delta:{root.GetProperty("index").GetInt32()}:{root.GetProperty("delta").GetProperty("type").GetString()}",
            "content_block_stop" => $"stop:{root.GetProperty("index").GetInt32()}",
            _ => item.EventType,
        };
    }
}
