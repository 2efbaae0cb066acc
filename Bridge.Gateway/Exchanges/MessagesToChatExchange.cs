using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using Bridge.Gateway.Buffers;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Diagnostics;
using Bridge.Gateway.Pipeline;
using Bridge.Gateway.Routing;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.AnthropicToOpenAI;
using Bridge.Gateway.Upstream;
using Bridge.Gateway.Usage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bridge.Gateway.Exchanges;

/// <summary>Anthropic Messages client -> OpenAI Chat Completions upstream (Azure, OpenAI, Ollama, echo).</summary>
public sealed class MessagesToChatExchange(OpenAITargets targets, TimeProvider time, ILogger<MessagesToChatExchange> logger) : IExchange
{
    /// <summary>The response header naming the Anthropic server tools left out of the upstream request.</summary>
    public const string DroppedToolsHeader = "x-bridge-dropped-tools";
    private const int MaxWarnedTools = 256;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Deployment, string Tool), byte> _warned = new();

    public PreparedCall Prepare(HttpContext context, InboundRequest request, ModelDeployment deployment)
    {
        var output = new PooledBufferWriter(Math.Max(4096, request.Body.Length));
        var translation = AnthropicToOpenAIRequest.Translate(request.Root, targets.For(deployment), output);
        if (translation.DroppedTools.Count > 0) ReportDroppedTools(deployment, translation.DroppedTools);
        return new Call(deployment, translation, output, time, logger);
    }

    /// <summary>
    /// Server tools (web search, code execution, ...) run inside Anthropic's API; an OpenAI-format model cannot
    /// call them. They are named on the translate span and in a response header, and logged once per deployment
    /// and tool (the set is bounded: tool names come from clients).
    /// </summary>
    private void ReportDroppedTools(ModelDeployment deployment, IReadOnlyList<string> dropped)
    {
        System.Diagnostics.Activity.Current?.SetTag("bridge.dropped_tools", TagText.Join(dropped));
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

        public Call(ModelDeployment deployment, RequestTranslation translation, PooledBufferWriter output, TimeProvider time, ILogger logger)
            : base(deployment, output, time, logger)
        {
            _translation = translation;
            Ok = translation.Ok;
            ErrorMessage = translation.ErrorMessage;
            Stream = translation.Stream;
            RequestedModel = translation.RequestedModel;
        }

        public override string UpstreamProtocol => "openai";

        private void NameDroppedTools(HttpResponse response)
        {
            if (_translation.DroppedTools.Count == 0) return;
            // Client-chosen names (each already cut to a short length by the translator, the list bounded): visible ASCII only.
            response.Headers[DroppedToolsHeader] = string.Concat(TagText.Join(_translation.DroppedTools).Where(c => c is >= ' ' and <= '~'));
        }

        public override HttpRequestMessage CreateRequest(HttpContext context, ReadOnlyMemory<byte> body)
        {
            var request = JsonPost(UpstreamEndpoints.ChatCompletions(Deployment), body);
            if (Stream) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
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
            catch (JsonException)
            {
                return RelayResult.NotSent(FailureKind.ServerError, 502, $"{Deployment.Id}: upstream returned a body that is not JSON.");
            }
            catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
            {
                return RelayResult.NotSent(FailureKind.Timeout, 504, $"{Deployment.Id}: upstream response timed out.");
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                return RelayResult.NotSent(FailureKind.Connection, 502, $"{Deployment.Id}: upstream connection failed: {UpstreamFailureText.Of(ex)}");
            }

            using (upstream)
            {
                using var output = new PooledBufferWriter(8 * 1024);
                var translated = OpenAIToAnthropicResponse.Translate(upstream.RootElement, RequestedModel, _translation.ToolNames, _translation.StopSequences, output);
                if (!translated.Ok)
                {
                    return RelayResult.ErrorInside200(translated.ErrorStatus, $"{Deployment.Id}: {translated.ErrorMessage}");
                }
                Usage = new TokenUsage(translated.InputTokens, translated.OutputTokens, translated.CachedTokens);
                FinishReason = translated.StopReason;
                MarkFirstByte();
                context.Response.StatusCode = 200;
                NameDroppedTools(context.Response);
                context.Response.ContentType = "application/json";
                context.Response.ContentLength = output.WrittenCount;
                await context.Response.Body.WriteAsync(output.WrittenMemory, context.RequestAborted);
                return RelayResult.Sent;
            }
        }

        private async Task<RelayResult> StreamAsync(HttpContext context, HttpResponseMessage response, StreamTimings timings, CancellationToken ct)
        {
            var writer = context.Response.BodyWriter;
            var translator = new OpenAIToAnthropicStream(RequestedModel, _translation.ToolNames, _translation.StopSequences, 0);
            // The first chunk is translated into a side buffer: if the upstream fails on it, nothing was sent and
            // the request can still go to another deployment.
            using var firstOutput = new PooledBufferWriter(1024);
            IBufferWriter<byte> output = firstOutput;
            var committed = false;
            string? firstChunkError = null;
            using var _ = new UsageOnExit(() =>
            {
                Usage = translator.UsageReported ? new TokenUsage(translator.InputTokens, translator.OutputTokens, translator.CachedTokens) : null;
                FinishReason = translator.StopReason;
            });

            void Commit()
            {
                committed = true;
                MarkFirstByte();
                NameDroppedTools(context.Response);
                SseResponse.Begin(context.Response);
                writer.Write(firstOutput.WrittenSpan);
                output = writer;
            }

            UpstreamStreamPump.PumpEnd end;
            try
            {
                await using var upstream = await response.Content.ReadAsStreamAsync(ct);
                end = await UpstreamStreamPump.RunAsync(
                    upstream,
                    (_, data) =>
                    {
                        ChunksRelayed++;
                        if (!translator.Started) translator.WriteStart(output);
                        if (translator.OnChunk(data, output))
                        {
                            if (!committed) Commit();
                            return UpstreamStreamPump.ItemResult.Continue;
                        }
                        if (!committed)
                        {
                            firstChunkError = translator.UpstreamError;
                            return UpstreamStreamPump.ItemResult.Done;
                        }
                        // The upstream sent an error object (or garbage) inside the stream.
                        translator.WriteError("api_error", $"{Deployment.Id}: {translator.UpstreamError}", output);
                        return UpstreamStreamPump.ItemResult.Done;
                    },
                    FlushOnceCommitted(writer, ct),
                    async () =>
                    {
                        if (!committed) return;
                        translator.WritePing(writer);
                        await writer.FlushAsync(ct);
                    },
                    timings,
                    Time,
                    ct);
            }
            catch (Exception ex) when (!committed && IsUpstreamFailure(ex) && !context.RequestAborted.IsCancellationRequested)
            {
                return FailedBeforeFirstByte(ex);
            }
            catch (Exception ex) when (ex is StreamTimeoutException or HttpRequestException or IOException
                                       || (ex is OperationCanceledException && !context.RequestAborted.IsCancellationRequested))
            {
                GatewayLog.UpstreamStreamBroken(Logger, Deployment.Id, ex.Message);
                translator.WriteError(ex is StreamTimeoutException or OperationCanceledException ? "timeout_error" : "api_error",
                    $"{Deployment.Id}: upstream stream broke: {UpstreamFailureText.Of(ex)}", writer);
                await writer.FlushAsync(CancellationToken.None);
                return RelayResult.Sent;
            }

            if (!committed)
            {
                return firstChunkError is not null
                    ? RelayResult.ErrorInside200(translator.UpstreamErrorStatus, $"{Deployment.Id}: {firstChunkError}")
                    : RelayResult.NotSent(FailureKind.Connection, 502, $"{Deployment.Id}: upstream stream ended before any content.");
            }
            if (translator.Completed)
            {
                // Already ended by an in-stream upstream error.
            }
            else if (end == UpstreamStreamPump.PumpEnd.EndOfStream && translator.FinishReason is null)
            {
                GatewayLog.UpstreamStreamBroken(Logger, Deployment.Id, "ended before a finish_reason");
                translator.WriteError("api_error", $"{Deployment.Id}: upstream stream ended before the response was complete.", writer);
            }
            else
            {
                translator.WriteEnd(writer);
            }
            await writer.FlushAsync(ct);
            return RelayResult.Sent;
        }

    }
}
