using System.Net.Http.Headers;
using Bridge.Gateway.Buffers;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Diagnostics;
using Bridge.Gateway.Pipeline;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Translation.ResponsesToChat;
using Bridge.Gateway.Upstream;
using Microsoft.AspNetCore.Http;

namespace Bridge.Gateway.Exchanges;

/// <summary>OpenAI Responses client (Codex CLI) -> Chat Completions upstream (docs/translation.md section 7).</summary>
public sealed class ResponsesToChatExchange(OpenAITargets targets) : IExchange
{
    public PreparedCall Prepare(HttpContext context, InboundRequest request, ModelDeployment deployment)
    {
        var output = new PooledBufferWriter(Math.Max(4096, request.Body.Length));
        // A previous_response_id was resolved before this (StoredResponsesStep): the stored conversation is in the input.
        var translation = ResponsesToChatRequest.Translate(request.Json, targets.For(deployment, request), output);
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

        public override string UpstreamProtocol => "openai";

        public override void OnCommit(HttpResponse response) => DroppedToolsHeader.Write(response, _translation.DroppedTools);

        public override HttpRequestMessage CreateRequest(HttpContext context, ReadOnlyMemory<byte> body)
        {
            var request = JsonPost(UpstreamEndpoints.ChatCompletions(Deployment), body);
            if (Stream) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            return request;
        }

        public override IResponseTranslator CreateResponseTranslator() =>
            new ResponsesToChatResponse(RequestedModel, _translation.ToolNames, _translation.CustomTools);

        public override IStreamTranslator CreateStreamTranslator() =>
            new ResponsesToChatStream(RequestedModel, _translation.ToolNames, _translation.CustomTools);
    }
}
