using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Relay;

namespace Bridge.Gateway.Exchanges;

/// <summary>A whole Anthropic message -> a Responses <c>response</c> object.</summary>
internal sealed class ResponsesToMessagesResponse(string requestedModel, IReadOnlySet<string> customTools) : IResponseTranslator
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
            return ResponsesClientBodies.Result(
                Translation.ResponsesToMessages.MessagesToResponsesResponse.Translate(document.RootElement, requestedModel, customTools, output));
        }
    }
}
