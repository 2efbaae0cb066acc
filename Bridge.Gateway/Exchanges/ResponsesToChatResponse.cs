using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Usage;

namespace Bridge.Gateway.Exchanges;

/// <summary>A whole chat completion -> a Responses <c>response</c> object.</summary>
internal sealed class ResponsesToChatResponse(string requestedModel, ToolNameMap toolNames, IReadOnlySet<string> customTools) : IResponseTranslator
{
    public BodyTranslation Translate(ReadOnlyMemory<byte> upstream, IBufferWriter<byte> output)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(upstream);
        }
        catch (JsonException)
        {
            return BodyTranslation.Malformed;
        }
        using (document)
        {
            var translated = Translation.ResponsesToChat.ChatToResponsesResponse.Translate(document.RootElement, requestedModel, toolNames, customTools, output);
            return ResponsesClientBodies.Result(translated);
        }
    }
}
