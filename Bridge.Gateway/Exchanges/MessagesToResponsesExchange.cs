using System.Net.Http.Headers;
using Bridge.Gateway.Buffers;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Diagnostics;
using Bridge.Gateway.Pipeline;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Translation.AnthropicToOpenAI;
using Bridge.Gateway.Translation.AnthropicToResponses;
using Bridge.Gateway.Upstream;
using Microsoft.AspNetCore.Http;

namespace Bridge.Gateway.Exchanges;

/// <summary>
/// Anthropic Messages client -> OpenAI Responses upstream (docs/translation.md section 6): Claude Code against a
/// GPT-5.x deployment that takes tools with reasoning only on <c>/responses</c>. The model's encrypted reasoning comes
/// back to the client inside the thinking block's signature, signed with <see cref="ReasoningSignatureKey"/>, and goes
/// back upstream when the client sends that block again.
/// </summary>
public sealed class MessagesToResponsesExchange(OpenAITargets targets, ReasoningSignatureKey signatures) : IExchange
{
    public PreparedCall Prepare(HttpContext context, InboundRequest request, ModelDeployment deployment)
    {
        var output = new PooledBufferWriter(Math.Max(4096, request.Body.Length));
        var translation = AnthropicToResponsesRequest.Translate(request.Json, targets.For(deployment, request), signatures.Key, output);
        DroppedToolsHeader.Tag(translation.DroppedTools);
        return new Call(deployment, translation, output, signatures.Key);
    }

    private sealed class Call : PreparedCall
    {
        private readonly RequestTranslation _translation;
        private readonly byte[] _key;

        public Call(ModelDeployment deployment, RequestTranslation translation, PooledBufferWriter output, byte[] key)
            : base(deployment, output)
        {
            _translation = translation;
            _key = key;
            Ok = translation.Ok;
            ErrorMessage = translation.ErrorMessage;
            Stream = translation.Stream;
            RequestedModel = translation.RequestedModel;
        }

        public override string UpstreamProtocol => "openai-responses";

        public override void OnCommit(HttpResponse response) => DroppedToolsHeader.Write(response, _translation.DroppedTools);

        public override HttpRequestMessage CreateRequest(HttpContext context, ReadOnlyMemory<byte> body)
        {
            var request = JsonPost(UpstreamEndpoints.Responses(Deployment), body);
            if (Stream) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            return request;
        }

        public override IResponseTranslator CreateResponseTranslator() => new MessagesToResponsesResponse(RequestedModel, _translation.ToolNames, _key);

        public override IStreamTranslator CreateStreamTranslator() => new MessagesToResponsesStream(RequestedModel, _translation.ToolNames, _key);
    }
}
