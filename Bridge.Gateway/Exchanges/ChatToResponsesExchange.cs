using System.Net.Http.Headers;
using Bridge.Gateway.Buffers;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Pipeline;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Translation.ChatToResponses;
using Bridge.Gateway.Upstream;
using Microsoft.AspNetCore.Http;

namespace Bridge.Gateway.Exchanges;

/// <summary>
/// OpenAI Chat Completions client -> OpenAI Responses upstream (docs/translation.md section 9): the OpenAI SDKs and IDE
/// plugins against a GPT-5.x deployment served on <c>/responses</c>.
/// </summary>
public sealed class ChatToResponsesExchange(OpenAITargets targets) : IExchange
{
    public PreparedCall Prepare(HttpContext context, InboundRequest request, ModelDeployment deployment)
    {
        var output = new PooledBufferWriter(Math.Max(4096, request.Body.Length));
        var translation = ChatToResponsesRequest.Translate(request.Json, targets.For(deployment, request), output, request.Model);
        return new Call(deployment, translation, output);
    }

    private sealed class Call : PreparedCall
    {
        private readonly bool _includeUsage;

        public Call(ModelDeployment deployment, ChatToResponsesRequestTranslation translation, PooledBufferWriter output)
            : base(deployment, output)
        {
            _includeUsage = translation.IncludeUsage;
            Ok = translation.Ok;
            ErrorMessage = translation.ErrorMessage;
            ErrorParam = translation.ErrorParam;
            Stream = translation.Stream;
            RequestedModel = translation.RequestedModel;
        }

        public override string UpstreamProtocol => "openai-responses";

        public override HttpRequestMessage CreateRequest(HttpContext context, ReadOnlyMemory<byte> body)
        {
            var request = JsonPost(UpstreamEndpoints.Responses(Deployment), body);
            if (Stream) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            return request;
        }

        public override IResponseTranslator CreateResponseTranslator() => new ChatToResponsesResponse(RequestedModel);

        public override IStreamTranslator CreateStreamTranslator() => new ChatToResponsesStream(RequestedModel, _includeUsage);
    }
}
