using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using Bridge.Gateway.Buffers;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Diagnostics;
using Bridge.Gateway.Endpoints;
using Bridge.Gateway.Pipeline;
using Bridge.Gateway.Translation.OpenAIToAnthropic;
using Bridge.Gateway.Upstream;
using Bridge.Gateway.Usage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bridge.Gateway.Exchanges;

/// <summary>OpenAI Chat Completions client -> Anthropic Messages upstream, translated both ways.</summary>
public sealed class ChatToMessagesExchange(BridgeConfig config, GatewayOptions options, ILogger<ChatToMessagesExchange> logger) : IExchange
{
    public PreparedCall Prepare(HttpContext context, InboundRequest request, ModelDeployment deployment)
    {
        var output = new PooledBufferWriter(request.Body.Length + 256);
        var target = new AnthropicTarget
        {
            Model = deployment.UpstreamModel,
            MaxOutputTokens = deployment.MaxOutputTokens,
            DropParams = deployment.DropParams ?? config.DropParams,
            AdditionalDropParams = config.AdditionalDropParams.Concat(deployment.AdditionalDropParams).ToArray(),
            DefaultParams = deployment.DefaultParams,
        };
        var translation = ChatRequestToMessages.Translate(request.Root, target, output);
        return new Call(deployment, translation, output, options, logger);
    }

    private sealed class Call : PreparedCall
    {
        private readonly PooledBufferWriter _output;
        private readonly bool _includeUsage;
        private readonly GatewayOptions _options;
        private readonly ILogger _logger;

        public Call(ModelDeployment deployment, ChatRequestTranslation translation, PooledBufferWriter output, GatewayOptions options, ILogger logger)
            : base(deployment)
        {
            _output = output;
            _options = options;
            _logger = logger;
            _includeUsage = translation.IncludeUsage;
            Ok = translation.Ok;
            ErrorMessage = translation.ErrorMessage;
            ErrorParam = translation.ErrorParam;
            Stream = translation.Stream;
            RequestedModel = translation.RequestedModel;
        }

        public override ReadOnlyMemory<byte> Body => _output.WrittenMemory;
        public override string UpstreamProtocol => "anthropic";

        public override HttpRequestMessage CreateRequest(HttpContext context, ReadOnlyMemory<byte> body)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, UpstreamEndpoints.AnthropicMessages(Deployment))
            {
                Content = new ReadOnlyMemoryContent(body),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");
            return request;
        }

        public override Task WriteResponseAsync(HttpContext context, HttpResponseMessage response, CancellationToken ct) =>
            Stream ? StreamAsync(context, response, ct) : RespondAsync(context, response, ct);

        private async Task RespondAsync(HttpContext context, HttpResponseMessage response, CancellationToken ct)
        {
            JsonDocument upstream;
            try
            {
                await using var stream = await response.Content.ReadAsStreamAsync(ct);
                upstream = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
            }
            catch (Exception ex) when (ex is JsonException or HttpRequestException or IOException
                                       || (ex is OperationCanceledException && !context.RequestAborted.IsCancellationRequested))
            {
                await ErrorResponses.WriteAsync(context, 502, $"{Deployment.Id}: upstream response could not be read: {ex.Message}");
                return;
            }

            using (upstream)
            {
                using var output = new PooledBufferWriter(8 * 1024);
                var translated = MessagesResponseToChat.Translate(upstream.RootElement, RequestedModel, output);
                if (!translated.Ok)
                {
                    await ErrorResponses.WriteAsync(context, 502, $"{Deployment.Id}: {translated.ErrorMessage}");
                    return;
                }
                Usage = new TokenUsage(translated.PromptTokens - translated.CachedTokens, translated.CompletionTokens, translated.CachedTokens);
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/json";
                context.Response.ContentLength = output.WrittenCount;
                await context.Response.Body.WriteAsync(output.WrittenMemory, context.RequestAborted);
            }
        }

        private async Task StreamAsync(HttpContext context, HttpResponseMessage response, CancellationToken ct)
        {
            SseResponse.Begin(context.Response);
            var writer = context.Response.BodyWriter;
            var translator = new MessagesStreamToChat(RequestedModel, _includeUsage);
            using var _ = new UsageOnExit(() => Usage = translator.PromptTokens + translator.CompletionTokens > 0
                ? new TokenUsage(translator.PromptTokens - translator.CachedTokens, translator.CompletionTokens, translator.CachedTokens)
                : null);
            try
            {
                await using var upstream = await response.Content.ReadAsStreamAsync(ct);
                await UpstreamStreamPump.RunAsync(
                    upstream,
                    (eventType, data) =>
                    {
                        ChunksRelayed++;
                        if (translator.OnEvent(eventType, data, writer)) return UpstreamStreamPump.ItemResult.Continue;
                        translator.WriteError($"{Deployment.Id}: {translator.UpstreamErrorMessage}", translator.UpstreamErrorType ?? "server_error", writer);
                        return UpstreamStreamPump.ItemResult.Done;
                    },
                    async () => await writer.FlushAsync(ct),
                    async () =>
                    {
                        writer.Write(": ping\n\n"u8);
                        await writer.FlushAsync(ct);
                    },
                    _options.StreamPingInterval,
                    ct);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                GatewayLog.ClientDisconnected(_logger, Deployment.Id);
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
            {
                GatewayLog.UpstreamStreamBroken(_logger, Deployment.Id, ex.Message);
                translator.WriteError($"{Deployment.Id}: upstream stream broke: {ex.Message}", "server_error", writer);
                await writer.FlushAsync(CancellationToken.None);
                return;
            }

            if (translator.Completed) translator.WriteDone(writer);
            else if (translator.UpstreamErrorMessage is null)
            {
                GatewayLog.UpstreamStreamBroken(_logger, Deployment.Id, "ended before message_stop");
                translator.WriteError($"{Deployment.Id}: upstream stream ended before the response was complete.", "server_error", writer);
            }
            await writer.FlushAsync(ct);
        }

        public override void Dispose() => _output.Dispose();
    }
}
