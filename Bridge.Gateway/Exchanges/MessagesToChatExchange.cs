using System.Net.Http.Headers;
using Bridge.Gateway.Buffers;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Diagnostics;
using Bridge.Gateway.Pipeline;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Translation.AnthropicToOpenAI;
using Bridge.Gateway.Upstream;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bridge.Gateway.Exchanges;

/// <summary>Anthropic Messages client -> OpenAI Chat Completions upstream (Azure, OpenAI, Ollama, echo).</summary>
public sealed class MessagesToChatExchange(OpenAITargets targets, ILogger<MessagesToChatExchange> logger) : IExchange
{
    private const int MaxWarnedTools = 256;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Deployment, string Tool), byte> _warned = new();

    public PreparedCall Prepare(HttpContext context, InboundRequest request, ModelDeployment deployment)
    {
        var output = new PooledBufferWriter(Math.Max(4096, request.Body.Length));
        var translation = AnthropicToOpenAIRequest.Translate(request.Json, targets.For(deployment, request), output);
        if (translation.DroppedTools.Count > 0) ReportDroppedTools(deployment, translation.DroppedTools);
        return new Call(deployment, translation, output);
    }

    /// <summary>
    /// Server tools (web search, code execution, ...) run inside Anthropic's API; an OpenAI-format model cannot
    /// call them. They are named on the translate span and in a response header, and logged once per deployment
    /// and tool (the set is bounded: tool names come from clients).
    /// </summary>
    private void ReportDroppedTools(ModelDeployment deployment, IReadOnlyList<string> dropped)
    {
        DroppedToolsHeader.Tag(dropped);
        foreach (var tool in dropped)
        {
            // ContainsKey takes no lock (Count takes them all): the common case, a tool already warned about, stays cheap.
            if (!_warned.ContainsKey((deployment.Id, tool)) && _warned.Count < MaxWarnedTools && _warned.TryAdd((deployment.Id, tool), 0))
            {
                GatewayLog.ServerToolDropped(logger, tool, deployment.Id);
            }
        }
    }

    private sealed class Call : PreparedCall
    {
        private readonly RequestTranslation _translation;

        public Call(ModelDeployment deployment, RequestTranslation translation, PooledBufferWriter output)
            : base(deployment, output)
        {
            _translation = translation;
            Ok = translation.Ok;
            ErrorMessage = translation.ErrorMessage;
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
            new MessagesToChatResponse(RequestedModel, _translation.ToolNames, _translation.StopSequences);

        public override IStreamTranslator CreateStreamTranslator() =>
            new MessagesToChatStream(RequestedModel, _translation.ToolNames, _translation.StopSequences);
    }
}
