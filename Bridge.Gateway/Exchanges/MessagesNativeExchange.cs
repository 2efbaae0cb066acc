using Bridge.Gateway.Buffers;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Protocols.Anthropic;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Upstream;
using Microsoft.AspNetCore.Http;

namespace Bridge.Gateway.Exchanges;

/// <summary>
/// Anthropic Messages client -> <c>anthropic/</c> deployment: the body goes up unchanged except for the model
/// name (thinking signatures, <c>cache_control</c>, field order intact), thinking blocks with an empty
/// signature (translated earlier from another provider's answer; see <see cref="UnsignedThinking"/>) and the
/// deployment's sampling defaults where the client chose none (see <see cref="NativeDefaults"/>),
/// <c>anthropic-version</c> and <c>anthropic-beta</c> are passed on, and the answer is relayed event by event, unchanged.
/// </summary>
public sealed class MessagesNativeExchange : IExchange
{
    /// <summary>The Anthropic path after <c>/v1/messages</c>, e.g. <c>/count_tokens</c>.</summary>
    public PreparedCall Prepare(HttpContext context, InboundRequest request, ModelDeployment deployment) =>
        Prepare(context, request, deployment, "");

    public PreparedCall Prepare(HttpContext context, InboundRequest request, ModelDeployment deployment, string pathSuffix)
    {
        var output = new PooledBufferWriter(request.Body.Length + 64);
        if (UnsignedThinking.MayBePresent(request.Body.Span)) UnsignedThinking.Strip(request.Json, deployment.UpstreamModel, output);
        else ModelRewriter.ReplaceModel(request.Body.Span, deployment.UpstreamModel, output);
        // count_tokens takes no sampling parameters.
        if (pathSuffix.Length == 0 && NativeDefaults.Any(deployment.DefaultParams))
        {
            NativeDefaults.Apply(request.Json, Translation.DefaultParamTapes.Of(deployment.DefaultParams), output);
        }
        var stream = request.Json.TryGetProperty("stream"u8, out var s) && s.ValueKind == System.Text.Json.JsonValueKind.True;
        return new Call(deployment, output, stream, request.Model, pathSuffix);
    }

    private sealed class Call : PreparedCall
    {
        private readonly string _pathSuffix;

        public Call(ModelDeployment deployment, PooledBufferWriter output, bool stream, string requestedModel, string pathSuffix)
            : base(deployment, output)
        {
            _pathSuffix = pathSuffix;
            Stream = stream;
            RequestedModel = requestedModel;
        }

        public override string UpstreamProtocol => "anthropic";

        public override HttpRequestMessage CreateRequest(HttpContext context, ReadOnlyMemory<byte> body) =>
            AnthropicPost(context, body, clientHeaders: true, _pathSuffix);

        /// <summary>Forwarded as the upstream answered: a JSON body (an error, or a server that ignored <c>stream</c>) goes out whole.</summary>
        public override bool IsStream(HttpResponseMessage response) =>
            response.Content.Headers.ContentType?.MediaType?.StartsWith("text/event-stream", StringComparison.Ordinal) == true;

        public override IResponseTranslator CreateResponseTranslator() => MessagesNativeResponse.Instance;

        public override IStreamTranslator CreateStreamTranslator() => new MessagesNativeStream();
    }
}
