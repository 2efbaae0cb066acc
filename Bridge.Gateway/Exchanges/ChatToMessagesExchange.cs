using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using Bridge.Gateway.Buffers;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Diagnostics;
using Bridge.Gateway.Endpoints;
using Bridge.Gateway.Pipeline;
using Bridge.Gateway.Protocols.Anthropic;
using Bridge.Gateway.Translation.OpenAIToAnthropic;
using Bridge.Gateway.Upstream;
using Bridge.Gateway.Routing;
using Bridge.Gateway.Usage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bridge.Gateway.Exchanges;

/// <summary>OpenAI Chat Completions client -> Anthropic Messages upstream, translated both ways.</summary>
public sealed class ChatToMessagesExchange(BridgeConfig config, TimeProvider time, ILogger<ChatToMessagesExchange> logger) : IExchange
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
        var translation = ChatRequestToMessages.Translate(request.Root, target, output, request.Model);
        return new Call(deployment, translation, output, time, logger);
    }

    private sealed class Call : PreparedCall
    {
        private readonly bool _includeUsage;

        public Call(ModelDeployment deployment, ChatRequestTranslation translation, PooledBufferWriter output, TimeProvider time, ILogger logger)
            : base(deployment, output, time, logger)
        {
            _includeUsage = translation.IncludeUsage;
            Ok = translation.Ok;
            ErrorMessage = translation.ErrorMessage;
            ErrorParam = translation.ErrorParam;
            Stream = translation.Stream;
            RequestedModel = translation.RequestedModel;
        }

        public override string UpstreamProtocol => "anthropic";

        public override HttpRequestMessage CreateRequest(HttpContext context, ReadOnlyMemory<byte> body)
        {
            var request = JsonPost(UpstreamEndpoints.AnthropicMessages(Deployment), body);
            request.Headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");
            return request;
        }

        public override Task<RelayResult> WriteResponseAsync(HttpContext context, HttpResponseMessage response, StreamTimings timings, CancellationToken ct) =>
            Stream ? StreamAsync(context, response, timings, ct) : RespondAsync(context, response, ct);

        private async Task<RelayResult> RespondAsync(HttpContext context, HttpResponseMessage response, CancellationToken ct)
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
                return RelayResult.NotSent(ex is OperationCanceledException ? FailureKind.Timeout : FailureKind.ServerError, 502,
                    $"{Deployment.Id}: upstream response could not be read: {UpstreamFailureText.Of(ex)}");
            }

            using (upstream)
            {
                using var output = new PooledBufferWriter(8 * 1024);
                var translated = MessagesResponseToChat.Translate(upstream.RootElement, RequestedModel, output);
                if (!translated.Ok)
                {
                    return RelayResult.ErrorInside200(AnthropicErrors.StatusForType(translated.ErrorType), $"{Deployment.Id}: {translated.ErrorMessage}");
                }
                Usage = new TokenUsage(translated.PromptTokens - translated.CachedTokens, translated.CompletionTokens, translated.CachedTokens);
                FinishReason = translated.FinishReason;
                MarkFirstByte();
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/json";
                context.Response.ContentLength = output.WrittenCount;
                await context.Response.Body.WriteAsync(output.WrittenMemory, context.RequestAborted);
                return RelayResult.Sent;
            }
        }

        private async Task<RelayResult> StreamAsync(HttpContext context, HttpResponseMessage response, StreamTimings timings, CancellationToken ct)
        {
            var writer = context.Response.BodyWriter;
            var translator = new MessagesStreamToChat(RequestedModel, _includeUsage);
            using var firstOutput = new PooledBufferWriter(1024);
            IBufferWriter<byte> output = firstOutput;
            var committed = false;
            using var _ = new UsageOnExit(() =>
            {
                Usage = translator.PromptTokens + translator.CompletionTokens > 0
                    ? new TokenUsage(translator.PromptTokens - translator.CachedTokens, translator.CompletionTokens, translator.CachedTokens)
                    : null;
                UsageFinal = translator.FinalUsageSeen;
                FinishReason = translator.FinishReason;
            });
            try
            {
                await using var upstream = await response.Content.ReadAsStreamAsync(ct);
                await UpstreamStreamPump.RunAsync(
                    upstream,
                    (eventType, data) =>
                    {
                        ChunksRelayed++;
                        if (translator.OnEvent(eventType, data, output))
                        {
                            if (!committed && (firstOutput.WrittenCount > 0 || translator.Completed))
                            {
                                committed = true;
                                MarkFirstByte();
                                SseResponse.Begin(context.Response);
                                writer.Write(firstOutput.WrittenSpan);
                                output = writer;
                            }
                            return UpstreamStreamPump.ItemResult.Continue;
                        }
                        if (committed)
                        {
                            translator.WriteError($"{Deployment.Id}: {translator.UpstreamErrorMessage}",
                                translator.UpstreamErrorType == "rate_limit_error" ? "rate_limit_error" : "server_error", writer);
                        }
                        return UpstreamStreamPump.ItemResult.Done;
                    },
                    FlushOnceCommitted(writer, ct),
                    async () =>
                    {
                        if (!committed) return;
                        writer.Write(": ping\n\n"u8);
                        await writer.FlushAsync(ct);
                    },
                    timings,
                    Time,
                    ct);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                GatewayLog.ClientDisconnected(Logger, Deployment.Id);
                return RelayResult.Sent;
            }
            catch (Exception ex) when (!committed && IsUpstreamFailure(ex))
            {
                return FailedBeforeFirstByte(ex);
            }
            catch (Exception ex) when (IsUpstreamFailure(ex))
            {
                GatewayLog.UpstreamStreamBroken(Logger, Deployment.Id, ex.Message);
                translator.WriteError($"{Deployment.Id}: upstream stream broke: {UpstreamFailureText.Of(ex)}", "server_error", writer);
                await writer.FlushAsync(CancellationToken.None);
                return RelayResult.Sent;
            }

            if (!committed)
            {
                return translator.UpstreamErrorMessage is { } message
                    ? RelayResult.ErrorInside200(AnthropicErrors.StatusForType(translator.UpstreamErrorType), $"{Deployment.Id}: {message}")
                    : RelayResult.NotSent(FailureKind.Connection, 502, $"{Deployment.Id}: upstream stream ended before any content.");
            }
            if (translator.Completed) translator.WriteDone(writer);
            else if (translator.UpstreamErrorMessage is null)
            {
                GatewayLog.UpstreamStreamBroken(Logger, Deployment.Id, "ended before message_stop");
                translator.WriteError($"{Deployment.Id}: upstream stream ended before the response was complete.", "server_error", writer);
            }
            await writer.FlushAsync(ct);
            return RelayResult.Sent;
        }

    }
}
