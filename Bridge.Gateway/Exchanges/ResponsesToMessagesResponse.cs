using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Relay;

namespace Bridge.Gateway.Exchanges;

/// <summary>A whole Anthropic message -> a Responses <c>response</c> object.</summary>
internal sealed class ResponsesToMessagesResponse(string requestedModel, IReadOnlySet<string> customTools) : JsonBodyTranslator
{
    protected override BodyTranslation Translate(JsonElement upstream, IBufferWriter<byte> output)
    {
        return ResponsesClientBodies.Result(
            Translation.ResponsesToMessages.MessagesToResponsesResponse.Translate(upstream, requestedModel, customTools, output));
    }
}
