using Bridge.Gateway.Buffers;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Diagnostics;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Translation.ResponsesToChat;
using Bridge.Gateway.Translation.ResponsesToMessages;
using Bridge.Gateway.Upstream;
using Microsoft.AspNetCore.Http;

namespace Bridge.Gateway.Exchanges;

/// <summary>OpenAI Responses client (Codex CLI) -> Anthropic Messages upstream (docs/translation.md section 8).</summary>
public sealed class ResponsesToMessagesExchange(BridgeConfig config) : IExchange
{
    public PreparedCall Prepare(HttpContext context, InboundRequest request, ModelDeployment deployment)
    {
        var output = new PooledBufferWriter(request.Body.Length + 256);
        // A previous_response_id was resolved before this (StoredResponsesStep): the stored conversation is in the input.
        var translation = ResponsesToMessagesRequest.Translate(request.Json, ChatToMessagesExchange.TargetFor(deployment, config), output);
        DroppedToolsHeader.Tag(translation.DroppedTools);
        return new Call(deployment, translation, output);
    }

    private sealed class Call : PreparedCall
    {
        private readonly ResponsesRequestTranslation _translation;

        public Call(ModelDeployment deployment, ResponsesRequestTranslation translation, PooledBufferWriter output)
            : base(deployment, output)
        {
            _translation = translation;
            Ok = translation.Ok;
            ErrorMessage = translation.ErrorMessage;
            ErrorParam = translation.ErrorParam;
            Stream = translation.Stream;
            RequestedModel = translation.RequestedModel;
        }

        public override string UpstreamProtocol => "anthropic";

        public override void OnCommit(HttpResponse response) => DroppedToolsHeader.Write(response, _translation.DroppedTools);

        public override HttpRequestMessage CreateRequest(HttpContext context, ReadOnlyMemory<byte> body) =>
            AnthropicPost(context, body, clientHeaders: false);

        public override IResponseTranslator CreateResponseTranslator() => new ResponsesToMessagesResponse(RequestedModel, _translation.CustomTools);

        public override IStreamTranslator CreateStreamTranslator() => new ResponsesToMessagesStream(RequestedModel, _translation.CustomTools);
    }
}
