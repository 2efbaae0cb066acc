using Bridge.Gateway.Buffers;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Pipeline;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Translation.OpenAIToOpenAI;
using Bridge.Gateway.Upstream;
using Microsoft.AspNetCore.Http;

namespace Bridge.Gateway.Exchanges;

/// <summary>
/// OpenAI Chat Completions client -> OpenAI-format upstream: parameters filtered per deployment, the answer
/// relayed event by event. Usage is always requested upstream; the usage-only chunk reaches the client only
/// when it asked for it.
/// </summary>
public sealed class ChatPassthroughExchange(OpenAITargets targets) : IExchange
{
    public PreparedCall Prepare(HttpContext context, InboundRequest request, ModelDeployment deployment)
    {
        var output = new PooledBufferWriter(request.Body.Length + 256);
        var result = ChatRequestFilter.Apply(request.Json, targets.For(deployment, request), output);
        return new Call(deployment, result, output);
    }

    private sealed class Call : PreparedCall
    {
        private readonly bool _clientWantsUsage;

        public Call(ModelDeployment deployment, ChatFilterResult result, PooledBufferWriter output)
            : base(deployment, output)
        {
            _clientWantsUsage = result.ClientWantsUsage;
            Ok = result.Ok;
            ErrorMessage = result.ErrorMessage;
            ErrorParam = result.ErrorParam;
            Stream = result.Stream;
            RequestedModel = result.RequestedModel;
        }

        public override string UpstreamProtocol => "openai";

        public override HttpRequestMessage CreateRequest(HttpContext context, ReadOnlyMemory<byte> body) =>
            JsonPost(UpstreamEndpoints.ChatCompletions(Deployment), body);

        public override IResponseTranslator CreateResponseTranslator() => ChatPassthroughResponse.Instance;

        public override IStreamTranslator CreateStreamTranslator() => new ChatPassthroughStream(_clientWantsUsage);
    }
}
