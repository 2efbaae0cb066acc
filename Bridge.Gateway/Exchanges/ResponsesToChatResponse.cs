using System.Buffers;
using System.Text.Json;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Usage;

namespace Bridge.Gateway.Exchanges;

/// <summary>A whole chat completion -> a Responses <c>response</c> object.</summary>
internal sealed class ResponsesToChatResponse(string requestedModel, ToolNameMap toolNames, IReadOnlySet<string> customTools) : JsonBodyTranslator
{
    protected override BodyTranslation Translate(JsonElement upstream, IBufferWriter<byte> output)
    {
        var translated = Translation.ResponsesToChat.ChatToResponsesResponse.Translate(upstream, requestedModel, toolNames, customTools, output);
        return ResponsesClientBodies.Result(translated);
    }
}
