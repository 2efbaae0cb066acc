using System.Net.Http.Headers;
using System.Text.Json;
using Bridge.Gateway.Buffers;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Diagnostics;
using Bridge.Gateway.Endpoints;
using Bridge.Gateway.Pipeline;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.AnthropicToOpenAI;
using Bridge.Gateway.Upstream;
using Bridge.Gateway.Usage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bridge.Gateway.Exchanges;

/// <summary>Anthropic Messages client -> OpenAI Chat Completions upstream (Azure, OpenAI, Ollama, echo).</summary>
public sealed class MessagesToChatExchange(OpenAITargets targets, GatewayOptions options, ILogger<MessagesToChatExchange> logger) : IExchange
{
    public PreparedCall Prepare(HttpContext context, InboundRequest request, ModelDeployment deployment)
    {
        var output = new PooledBufferWriter(Math.Max(4096, request.Body.Length));
        var translation = AnthropicToOpenAIRequest.Translate(request.Root, targets.For(deployment), output);
        return new Call(deployment, translation, output, options, logger);
    }

    private sealed class Call : PreparedCall
    {
        private readonly RequestTranslation _translation;
        private readonly PooledBufferWriter _output;
        private readonly GatewayOptions _options;
        private readonly ILogger _logger;

        public Call(ModelDeployment deployment, RequestTranslation translation, PooledBufferWriter output, GatewayOptions options, ILogger logger)
            : base(deployment)
        {
            _translation = translation;
            _output = output;
            _options = options;
            _logger = logger;
            Ok = translation.Ok;
            ErrorMessage = translation.ErrorMessage;
            Stream = translation.Stream;
            RequestedModel = translation.RequestedModel;
        }

        public override ReadOnlyMemory<byte> Body => _output.WrittenMemory;
        public override string UpstreamProtocol => "openai";

        public override HttpRequestMessage CreateRequest(HttpContext context, ReadOnlyMemory<byte> body)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, UpstreamEndpoints.ChatCompletions(Deployment))
            {
                Content = new ReadOnlyMemoryContent(body),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            if (Stream) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
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
            catch (JsonException)
            {
                await ErrorResponses.WriteAsync(context, 502, $"{Deployment.Id}: upstream returned a body that is not JSON.");
                return;
            }
            catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
            {
                await ErrorResponses.WriteAsync(context, 504, $"{Deployment.Id}: upstream response timed out.");
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                await ErrorResponses.WriteAsync(context, 502, $"{Deployment.Id}: upstream connection failed: {ex.Message}");
                return;
            }

            using (upstream)
            {
                using var output = new PooledBufferWriter(8 * 1024);
                var translated = OpenAIToAnthropicResponse.Translate(upstream.RootElement, RequestedModel, _translation.ToolNames, _translation.StopSequences, output);
                if (!translated.Ok)
                {
                    await ErrorResponses.WriteAsync(context, 502, $"{Deployment.Id}: {translated.ErrorMessage}");
                    return;
                }
                Usage = new TokenUsage(translated.InputTokens, translated.OutputTokens, translated.CachedTokens);
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
            var translator = new OpenAIToAnthropicStream(RequestedModel, _translation.ToolNames, _translation.StopSequences, 0);
            translator.WriteStart(writer);
            await writer.FlushAsync(ct);

            UpstreamStreamPump.PumpEnd end;
            using var _ = new UsageOnExit(() => Usage = translator.UsageReported
                ? new TokenUsage(translator.InputTokens, translator.OutputTokens, translator.CachedTokens)
                : null);
            try
            {
                await using var upstream = await response.Content.ReadAsStreamAsync(ct);
                end = await UpstreamStreamPump.RunAsync(
                    upstream,
                    (_, data) =>
                    {
                        ChunksRelayed++;
                        if (translator.OnChunk(data, writer)) return UpstreamStreamPump.ItemResult.Continue;
                        // The upstream sent an error object (or garbage) inside the stream.
                        translator.WriteError("api_error", $"{Deployment.Id}: {translator.UpstreamError}", writer);
                        return UpstreamStreamPump.ItemResult.Done;
                    },
                    async () => await writer.FlushAsync(ct),
                    async () =>
                    {
                        translator.WritePing(writer);
                        await writer.FlushAsync(ct);
                    },
                    _options.StreamPingInterval,
                    ct);
            }
            catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
            {
                GatewayLog.UpstreamStreamBroken(_logger, Deployment.Id, "timed out");
                translator.WriteError("timeout_error", $"{Deployment.Id}: upstream stream timed out.", writer);
                await writer.FlushAsync(CancellationToken.None);
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                GatewayLog.UpstreamStreamBroken(_logger, Deployment.Id, ex.Message);
                translator.WriteError("api_error", $"{Deployment.Id}: upstream stream broke: {ex.Message}", writer);
                await writer.FlushAsync(CancellationToken.None);
                return;
            }

            if (translator.Completed)
            {
                // Already ended by an in-stream upstream error.
            }
            else if (end == UpstreamStreamPump.PumpEnd.EndOfStream && translator.FinishReason is null)
            {
                GatewayLog.UpstreamStreamBroken(_logger, Deployment.Id, "ended before a finish_reason");
                translator.WriteError("api_error", $"{Deployment.Id}: upstream stream ended before the response was complete.", writer);
            }
            else
            {
                translator.WriteEnd(writer);
            }
            await writer.FlushAsync(ct);
        }

        public override void Dispose() => _output.Dispose();
    }
}
