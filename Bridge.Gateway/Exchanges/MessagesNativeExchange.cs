using System.Net.Http.Headers;
using Bridge.Gateway.Buffers;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Diagnostics;
using Bridge.Gateway.Protocols.Anthropic;
using Bridge.Gateway.Upstream;
using Bridge.Gateway.Routing;
using Bridge.Gateway.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bridge.Gateway.Exchanges;

/// <summary>
/// Anthropic Messages client -> <c>anthropic/</c> deployment: the body goes up unchanged except for the model
/// name (thinking signatures, <c>cache_control</c>, field order intact), thinking blocks with an empty
/// signature (translated earlier from another provider's answer; see <see cref="UnsignedThinking"/>) and the
/// deployment's sampling defaults where the client chose none (see <see cref="NativeDefaults"/>),
/// <c>anthropic-version</c> and <c>anthropic-beta</c> are passed on, and the answer is streamed back byte for byte.
/// </summary>
public sealed class MessagesNativeExchange(TimeProvider time, ILogger<MessagesNativeExchange> logger) : IExchange
{
    /// <summary>The Anthropic path after <c>/v1/messages</c>, e.g. <c>/count_tokens</c>.</summary>
    public PreparedCall Prepare(HttpContext context, InboundRequest request, ModelDeployment deployment) =>
        Prepare(context, request, deployment, "");

    public PreparedCall Prepare(HttpContext context, InboundRequest request, ModelDeployment deployment, string pathSuffix)
    {
        var output = new PooledBufferWriter(request.Body.Length + 64);
        if (UnsignedThinking.MayBePresent(request.Body.Span)) UnsignedThinking.Strip(request.Root, deployment.UpstreamModel, output);
        else ModelRewriter.ReplaceModel(request.Body.Span, deployment.UpstreamModel, output);
        // count_tokens takes no sampling parameters.
        if (pathSuffix.Length == 0 && NativeDefaults.Any(deployment.DefaultParams)) NativeDefaults.Apply(request.Root, deployment.DefaultParams, output);
        var stream = request.Root.TryGetProperty("stream", out var s) && s.ValueKind == System.Text.Json.JsonValueKind.True;
        return new Call(deployment, output, stream, request.Model, pathSuffix, time, logger);
    }

    private sealed class Call : PreparedCall
    {
        private readonly string _pathSuffix;

        public Call(ModelDeployment deployment, PooledBufferWriter output, bool stream, string requestedModel, string pathSuffix, TimeProvider time, ILogger logger)
            : base(deployment, output, time, logger)
        {
            _pathSuffix = pathSuffix;
            Stream = stream;
            RequestedModel = requestedModel;
        }

        public override string UpstreamProtocol => "anthropic";

        public override HttpRequestMessage CreateRequest(HttpContext context, ReadOnlyMemory<byte> body)
        {
            var request = JsonPost(UpstreamEndpoints.AnthropicMessages(Deployment, _pathSuffix), body);
            var inbound = context.Request.Headers;
            request.Headers.TryAddWithoutValidation("anthropic-version",
                inbound.TryGetValue("anthropic-version", out var version) && !string.IsNullOrEmpty(version) ? version.ToString() : "2023-06-01");
            if (inbound.TryGetValue("anthropic-beta", out var beta) && !string.IsNullOrEmpty(beta))
            {
                request.Headers.TryAddWithoutValidation("anthropic-beta", beta.ToString());
            }
            return request;
        }

        public override async Task<RelayResult> WriteResponseAsync(HttpContext context, HttpResponseMessage response, StreamTimings timings, CancellationToken ct)
        {
            var contentType = response.Content.Headers.ContentType?.ToString() ?? "application/json";
            var isStream = contentType.StartsWith("text/event-stream", StringComparison.Ordinal);
            var scanner = new AnthropicUsageScanner();
            var committed = false;
            try
            {
                await using var upstream = await response.Content.ReadAsStreamAsync(ct);
                if (!isStream)
                {
                    using var body = new PooledBufferWriter(8 * 1024);
                    int n;
                    while ((n = await upstream.ReadAsync(body.GetMemory(16 * 1024), ct)) > 0) body.Advance(n);
                    scanner.FeedMessage(body.WrittenSpan);
                    committed = true;
                    MarkFirstByte();
                    context.Response.StatusCode = (int)response.StatusCode;
                    context.Response.ContentType = contentType;
                    context.Response.ContentLength = body.WrittenCount;
                    await context.Response.Body.WriteAsync(body.WrittenMemory, context.RequestAborted);
                    return RelayResult.Sent;
                }

                var buffer = new byte[16 * 1024];
                while (true)
                {
                    var limit = committed ? timings.IdleTimeout : timings.FirstItemTimeout ?? timings.IdleTimeout;
                    int read;
                    try
                    {
                        read = await upstream.ReadAsync(buffer, ct).AsTask().WaitAsync(limit, Time, ct);
                    }
                    catch (TimeoutException)
                    {
                        throw new StreamTimeoutException(!committed, limit);
                    }
                    if (read == 0) break;
                    scanner.FeedSse(buffer.AsSpan(0, read));
                    if (!committed)
                    {
                        committed = true;
                        MarkFirstByte();
                        context.Response.StatusCode = (int)response.StatusCode;
                        context.Response.ContentType = contentType;
                    }
                    await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
                }
                return committed
                    ? RelayResult.Sent
                    : RelayResult.NotSent(FailureKind.Connection, 502, $"{Deployment.Id}: upstream stream ended before any content.");
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
                if (isStream)
                {
                    var error = AnthropicErrors.Write(AnthropicErrors.Api, $"{Deployment.Id}: upstream stream broke: {UpstreamFailureText.Of(ex)}");
                    await context.Response.Body.WriteAsync("\n\nevent: error\ndata: "u8.ToArray(), CancellationToken.None);
                    await context.Response.Body.WriteAsync(error, CancellationToken.None);
                    await context.Response.Body.WriteAsync("\n\n"u8.ToArray(), CancellationToken.None);
                }
                return RelayResult.Sent;
            }
            finally
            {
                Usage = scanner.Usage;
                UsageFinal = scanner.FinalUsageSeen;
                FinishReason = scanner.StopReason;
                ChunksRelayed = scanner.DataEvents;
            }
        }

    }
}
