using Bridge.Gateway.Buffers;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Translation.OpenAIToAnthropic;
using Bridge.Gateway.Upstream;
using Microsoft.AspNetCore.Http;

namespace Bridge.Gateway.Exchanges;

/// <summary>OpenAI Chat Completions client -> Anthropic Messages upstream, translated both ways.</summary>
public sealed class ChatToMessagesExchange(BridgeConfig config) : IExchange
{
    public PreparedCall Prepare(HttpContext context, InboundRequest request, ModelDeployment deployment)
    {
        var output = new PooledBufferWriter(request.Body.Length + 256);
        var translation = ChatRequestToMessages.Translate(request.Json, TargetFor(deployment, config), output, request.Model);
        return new Call(deployment, translation, output);
    }

    /// <summary>What a translation to an Anthropic deployment writes for it: model, output cap, parameter filtering, defaults.</summary>
    internal static AnthropicTarget TargetFor(ModelDeployment deployment, BridgeConfig config) => new()
    {
        Model = deployment.UpstreamModel,
        MaxOutputTokens = deployment.MaxOutputTokens,
        DropParams = deployment.DropParams ?? config.DropParams,
        AdditionalDropParams = config.AdditionalDropParams.Concat(deployment.AdditionalDropParams).ToArray(),
        DefaultParams = deployment.DefaultParams,
        CacheControlInjectionPoints = deployment.CacheControlInjectionPoints,
        DefaultCacheBreakpoints = true,
    };

    private sealed class Call : PreparedCall
    {
        private readonly bool _includeUsage;

        public Call(ModelDeployment deployment, ChatRequestTranslation translation, PooledBufferWriter output)
            : base(deployment, output)
        {
            _includeUsage = translation.IncludeUsage;
            Ok = translation.Ok;
            ErrorMessage = translation.ErrorMessage;
            ErrorParam = translation.ErrorParam;
            Stream = translation.Stream;
            RequestedModel = translation.RequestedModel;
        }

        public override string UpstreamProtocol => "anthropic";

        public override HttpRequestMessage CreateRequest(HttpContext context, ReadOnlyMemory<byte> body) =>
            AnthropicPost(context, body, clientHeaders: false);

        public override IResponseTranslator CreateResponseTranslator() => new ChatToMessagesResponse(RequestedModel);

        public override IStreamTranslator CreateStreamTranslator() => new ChatToMessagesStream(RequestedModel, _includeUsage);
    }
}
