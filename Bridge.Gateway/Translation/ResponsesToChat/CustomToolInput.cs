using System.Buffers;
using System.Text.Json;

namespace Bridge.Gateway.Translation.ResponsesToChat;

/// <summary>
/// Chat Completions has only JSON function tools, so a Responses <c>custom</c> (free-form) tool such as
/// Codex's <c>apply_patch</c> is sent as a function with one string parameter,
/// <c>{"type":"object","properties":{"input":{"type":"string"}},"required":["input"]}</c>, and its
/// free-form text travels as <c>{"input": "..."}</c> in the call's <c>arguments</c>. The client sees
/// <c>custom_tool_call.input</c> again; arguments that are not such an object are passed on as the input
/// unchanged (better a patch the tool rejects with a message the model can read than a lost call).
/// </summary>
public static class CustomToolInput
{
    /// <summary>Name of the single string parameter.</summary>
    public const string ParameterName = "input";

    /// <summary>The <c>arguments</c> string for a free-form input (a JSON string element of the client's request).</summary>
    internal static byte[] EncodeArguments(Json.TapeElement inputString)
    {
        var buffer = new ArrayBufferWriter<byte>(inputString.ValueKind == JsonValueKind.String ? 64 : 16);
        using (var writer = new Utf8JsonWriter(buffer, TranslationJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WritePropertyName(ParameterName);
            TranslationJson.WriteRaw(writer, inputString);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The free-form input carried by a function call's <c>arguments</c>.</summary>
    public static string DecodeArguments(string? arguments)
    {
        if (string.IsNullOrEmpty(arguments))
        {
            return "";
        }

        try
        {
            using var document = JsonDocument.Parse(arguments);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty(ParameterName, out var input) && input.ValueKind == JsonValueKind.String)
            {
                return input.GetString()!;
            }
        }
        catch (JsonException)
        {
        }

        return arguments;
    }
}
