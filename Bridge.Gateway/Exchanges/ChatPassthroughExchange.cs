using System.Buffers;
using System.Net.Http.Headers;
using Bridge.Gateway.Buffers;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Diagnostics;
using Bridge.Gateway.Pipeline;
using Bridge.Gateway.Protocols.OpenAI;
using Bridge.Gateway.Translation.OpenAIToOpenAI;
using Bridge.Gateway.Upstream;
using Bridge.Gateway.Routing;
using Bridge.Gateway.Usage;
using Bridge.Gateway.Translation.AnthropicToOpenAI;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bridge.Gateway.Exchanges;

/// <summary>
/// OpenAI Chat Completions client -> OpenAI-format upstream: parameters filtered per deployment, the answer
/// relayed event by event. Usage is always requested upstream; the usage-only chunk reaches the client only
/// when it asked for it.
/// </summary>
public sealed class ChatPassthroughExchange(OpenAITargets targets, TimeProvider time, ILogger<ChatPassthroughExchange> logger) : IExchange
{
    public PreparedCall Prepare(HttpContext context, InboundRequest request, ModelDeployment deployment)
    {
        var output = new PooledBufferWriter(request.Body.Length + 256);
        var result = ChatRequestFilter.Apply(request.Root, targets.For(deployment), output);
        return new Call(deployment, result, output, time, logger);
    }

    private sealed class Call : PreparedCall
    {
        private static readonly byte[] DataPrefix = "data: "u8.ToArray();
        private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
        private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

        private readonly bool _clientWantsUsage;

        public Call(ModelDeployment deployment, ChatFilterResult result, PooledBufferWriter output, TimeProvider time, ILogger logger)
            : base(deployment, output, time, logger)
        {
            _clientWantsUsage = result.ClientWantsUsage;
            Ok = result.Ok;
            ErrorMessage = result.ErrorMessage;
            ErrorParam = result.ErrorParam;
            Stream = result.Stream;
            RequestedModel = result.RequestedModel;
        }

        public override string UpstreamProtocol => "openai";

        public override HttpRequestMessage CreateRequest(HttpContext context, ReadOnlyMemory<byte> body)
        {
            var request = JsonPost(UpstreamEndpoints.ChatCompletions(Deployment), body);
            return request;
        }

        public override async Task<RelayResult> WriteResponseAsync(HttpContext context, HttpResponseMessage response, StreamTimings timings, CancellationToken ct)
        {
            if (!Stream)
            {
                using var buffer = new PooledBufferWriter(16 * 1024);
                try
                {
                    await using var upstream = await response.Content.ReadAsStreamAsync(ct);
                    int read;
                    while ((read = await upstream.ReadAsync(buffer.GetMemory(16 * 1024), ct)) > 0) buffer.Advance(read);
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !context.RequestAborted.IsCancellationRequested))
                {
                    GatewayLog.UpstreamStreamBroken(Logger, Deployment.Id, ex.Message);
                    return RelayResult.NotSent(ex is OperationCanceledException ? FailureKind.Timeout : FailureKind.Connection, 502,
                        $"{Deployment.Id}: upstream connection failed: {UpstreamFailureText.Of(ex)}");
                }
                ReadOutcome(buffer.WrittenSpan);
                MarkFirstByte();
                context.Response.StatusCode = (int)response.StatusCode;
                context.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "application/json";
                context.Response.ContentLength = buffer.WrittenCount;
                await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
                return RelayResult.Sent;
            }

            var writer = context.Response.BodyWriter;
            var committed = false;
            string? firstError = null;
            try
            {
                await using var upstream = await response.Content.ReadAsStreamAsync(ct);
                var end = await UpstreamStreamPump.RunAsync(
                    upstream,
                    (_, data) =>
                    {
                        if (!committed)
                        {
                            if (data.StartsWith("{\"error\""u8))
                            {
                                firstError = System.Text.Encoding.UTF8.GetString(data);
                                return UpstreamStreamPump.ItemResult.Done;
                            }
                            committed = true;
                            MarkFirstByte();
                            SseResponse.Begin(context.Response);
                        }
                        ChunksRelayed++;
                        if (data.IndexOf("\"usage\":{"u8) >= 0 || MayCarryFinishReason(data)) ReadOutcome(data);
                        if (!_clientWantsUsage && IsUsageOnlyChunk(data)) return UpstreamStreamPump.ItemResult.Continue;
                        writer.Write(DataPrefix);
                        writer.Write(data);
                        writer.Write(EventEnd);
                        return UpstreamStreamPump.ItemResult.Continue;
                    },
                    FlushOnceCommitted(writer, ct),
                    async () =>
                    {
                        if (!committed) return;
                        // An SSE comment keeps proxies from closing an idle connection; clients ignore it.
                        writer.Write(": ping\n\n"u8);
                        await writer.FlushAsync(ct);
                    },
                    timings,
                    Time,
                    ct);
                if (!committed)
                {
                    return RelayResult.NotSent(FailureKind.ServerError, 502,
                        firstError is null ? $"{Deployment.Id}: upstream stream ended before any content." : $"{Deployment.Id}: {firstError}");
                }
                if (end == UpstreamStreamPump.PumpEnd.Done) writer.Write(Done);
                await writer.FlushAsync(ct);
                return RelayResult.Sent;
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
                writer.Write(DataPrefix);
                OpenAIErrors.Write(writer, $"{Deployment.Id}: upstream stream broke: {UpstreamFailureText.Of(ex)}", "server_error");
                writer.Write(EventEnd);
                await writer.FlushAsync(CancellationToken.None);
                return RelayResult.Sent;
            }
        }

        /// <summary>Only chunks that may name a finish reason are parsed (most say <c>"finish_reason":null</c>).</summary>
        private static bool MayCarryFinishReason(ReadOnlySpan<byte> data) =>
            data.IndexOf("\"finish_reason\""u8) >= 0 && data.IndexOf("\"finish_reason\":null"u8) < 0;

        /// <summary>Picks usage and the finish reason out of a relayed chunk or completion.</summary>
        private void ReadOutcome(ReadOnlySpan<byte> json)
        {
            try
            {
                var reader = new Utf8JsonReader(json);
                using var document = JsonDocument.ParseValue(ref reader);
                var root = document.RootElement;
                if (OpenAIUsage.TryRead(root, out var usage))
                {
                    Usage = new TokenUsage(usage.InputTokens, usage.CompletionTokens, usage.CachedTokens);
                }
                // The first choice's reason (a chunk or a whole completion); with n > 1 the others are not traced.
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("choices"u8, out var choices) && choices.ValueKind == JsonValueKind.Array)
                {
                    foreach (var choice in choices.EnumerateArray())
                    {
                        if (choice.ValueKind != JsonValueKind.Object) continue;
                        if (choice.TryGetProperty("index"u8, out var index) && index.ValueKind == JsonValueKind.Number && index.GetInt32() != 0) continue;
                        if (choice.TryGetProperty("finish_reason"u8, out var reason) && reason.ValueKind == JsonValueKind.String) FinishReason = reason.GetString();
                    }
                }
            }
            catch (JsonException)
            {
                // Not JSON: relayed as it is; usage stays unknown.
            }
        }

        /// <summary>The final <c>choices: []</c> chunk that carries only usage.</summary>
        internal static bool IsUsageOnlyChunk(ReadOnlySpan<byte> data) =>
            data.IndexOf("\"choices\":[]"u8) >= 0 && data.IndexOf("\"usage\":{"u8) >= 0;

    }
}
