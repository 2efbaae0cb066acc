using System.Net.Http.Headers;
using Bridge.Gateway.Buffers;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Pipeline;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Translation.OpenAIToOpenAI;
using Bridge.Gateway.Upstream;
using Microsoft.AspNetCore.Http;

namespace Bridge.Gateway.Exchanges;

/// <summary>
/// OpenAI Responses client (Codex CLI) -> Responses upstream: forwarded with the deployment's model and its parameter
/// filtering (<see cref="ResponsesRequestFilter"/>), the answer relayed event by event and read for usage and errors.
/// </summary>
public sealed class ResponsesPassthroughExchange(OpenAITargets targets) : IExchange
{
    public PreparedCall Prepare(HttpContext context, InboundRequest request, ModelDeployment deployment)
    {
        var output = new PooledBufferWriter(request.Body.Length + 256);
        ResponsesRequestFilter.Apply(request.Json, targets.For(deployment, request), request.GatewayStoresResponse, output);
        var stream = request.Json.TryGetProperty("stream"u8, out var flag) && flag.ValueKind == System.Text.Json.JsonValueKind.True;
        return new Call(deployment, output, stream, request.Model);
    }

    private sealed class Call : PreparedCall
    {
        public Call(ModelDeployment deployment, PooledBufferWriter output, bool stream, string requestedModel)
            : base(deployment, output)
        {
            Stream = stream;
            RequestedModel = requestedModel;
        }

        public override string UpstreamProtocol => "openai-responses";

        public override HttpRequestMessage CreateRequest(HttpContext context, ReadOnlyMemory<byte> body)
        {
            var request = JsonPost(UpstreamEndpoints.Responses(Deployment), body);
            if (Stream) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            return request;
        }

        public override IResponseTranslator CreateResponseTranslator() => ResponsesPassthroughResponse.Instance;

        public override IStreamTranslator CreateStreamTranslator() => new ResponsesPassthroughStream();
    }
}
