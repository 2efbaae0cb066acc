using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using Bridge.Gateway.Buffers;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Diagnostics;
using Bridge.Gateway.Exchanges;
using Bridge.Gateway.Pipeline;
using Bridge.Gateway.Routing;
using Bridge.Gateway.StoredResponses;
using Bridge.Gateway.Upstream;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bridge.Gateway.Relay;

/// <summary>
/// One attempt's lifecycle, the same for every protocol pair: send (through <see cref="UpstreamCaller"/>), wait for
/// the first translated chunk (or whole body) before writing anything, so a failure before it can still go to
/// another deployment; then stream as it translates, under the overall, first-token and idle timeouts, with
/// keep-alive pings and errors in the client's protocol, until the upstream ends or the client leaves. The pair
/// only supplies its translators (see <see cref="PreparedCall"/>). The outcome is returned as a value.
/// </summary>
public sealed class AttemptRelay(
    BridgeConfig config,
    DeploymentStateStore state,
    UpstreamCaller caller,
    TimeProvider time,
    GatewayTelemetry telemetry,
    GatewayOptions options,
    ILogger<AttemptRelay> logger)
{
    /// <summary>
    /// Sends <paramref name="call"/> to its deployment and relays the answer. The request's start (in
    /// <paramref name="position"/>) and <paramref name="waitedBefore"/> (upstream time of earlier attempts) give the
    /// gateway's own overhead.
    /// </summary>
    public async Task<AttemptOutcome> RunAsync(HttpContext context, PreparedCall call, ReadOnlyMemory<byte> body, AttemptPosition position, TimeSpan waitedBefore)
    {
        var deployment = call.Deployment;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        // A non-streaming call always has an overall limit (a hung upstream must not hold the request for ever);
        // a stream is bounded by its first-token and idle timeouts unless one is configured.
        var limit = (call.Stream ? deployment.StreamTimeout ?? deployment.Timeout : deployment.Timeout) ?? config.Router.Timeout
            ?? (call.Stream ? null : options.DefaultUpstreamTimeout);
        if (limit is { } overall) timeout.CancelAfter(overall);
        var timings = new StreamTimings(options.StreamPingInterval,
            deployment.FirstTokenTimeout ?? config.Router.FirstTokenTimeout,
            deployment.StreamIdleTimeout ?? config.Router.StreamIdleTimeout);

        using var span = GatewayTelemetry.Source.StartActivity($"chat {deployment.UpstreamModel}", ActivityKind.Client);
        span?.SetTag("gen_ai.operation.name", "chat");
        span?.SetTag("gen_ai.provider.name", deployment.Spec.OtelName);
        span?.SetTag("gen_ai.request.model", deployment.UpstreamModel);
        span?.SetTag("bridge.deployment", deployment.Id);
        span?.SetTag("bridge.attempt", position.Attempt);
        state.AttemptStarted(deployment.Id);
        var sentAt = time.GetTimestamp();
        var result = default(AttemptOutcome);
        var wait = TimeSpan.Zero;
        try
        {
            using var request = call.CreateRequest(context, body);
            using var sent = await caller.SendAsync(deployment, request, timeout.Token, context.RequestAborted);
            wait = time.GetElapsedTime(sentAt);
            if (sent.Failure == UpstreamFailure.ClientCancelled) return result = AttemptOutcome.Finished with { Committed = false, UpstreamWait = wait };
            if (!sent.Succeeded)
            {
                span?.SetTag("http.response.status_code", sent.Error?.StatusCode);
                return result = AttemptOutcome.Failed(FailureClassifier.Classify(sent.Failure, sent.Error), sent.Error!) with { UpstreamWait = wait };
            }

            span?.SetTag("http.response.status_code", (int)sent.Response!.StatusCode);
            var overhead = Stopwatch.GetElapsedTime(position.RequestStarted) - waitedBefore - wait;
            RoutingHeaders.WriteRouting(context, deployment, position, overhead);
            telemetry.Overhead.Record(overhead.TotalMilliseconds, new KeyValuePair<string, object?>("bridge.deployment", deployment.Id));
            if (telemetry.LiteLlm.Enabled) telemetry.LiteLlm.RecordOverhead(deployment, overhead);
            result = await RelayAsync(context, call, sent.Response!, timings, sentAt, timeout.Token, position);
            if (!result.Committed && sent.Response!.Content is BoundedUpstreamContent { Exceeded: { } tooLarge })
            {
                // Past a size bound: the request's own doing (any deployment would answer as much), so it is neither
                // retried elsewhere nor counted against this deployment.
                result = AttemptOutcome.Failed(FailureKind.BadRequest, new UpstreamError(502, $"{deployment.Id}: {tooLarge.Message}", null));
            }
            if (context.RequestAborted.IsCancellationRequested && result.Failure is not null)
            {
                // The client left: whatever failed after that is not the upstream's fault, and nobody is left to retry for.
                result = result with { Failure = null, Error = null };
            }
            return result = result with { UpstreamWait = wait };
        }
        finally
        {
            if (result.Failure is { } kind)
            {
                span?.SetStatus(ActivityStatusCode.Error, kind.ToString());
                span?.SetTag("error.type", kind.ToString());
                // Only a failure before the first byte may be retried; one after it just ended the stream.
                if (!result.Committed) span?.SetTag("bridge.retry_reason", kind.ToString());
            }
            var succeeded = result.Committed && result.Failure is null;
            var elapsed = time.GetElapsedTime(sentAt).TotalMilliseconds;
            state.AttemptEnded(deployment.Id, succeeded, succeeded ? elapsed : null, call.Stream ? result.TimeToFirstByte?.TotalMilliseconds : null);
            // The client leaving is no deployment's success or failure.
            if (telemetry.LiteLlm.Enabled && (result.Committed || result.Failure is not null))
            {
                telemetry.LiteLlm.RecordAttempt(deployment, position.ModelGroup, succeeded, result.Error?.StatusCode, result.Failure?.ToString());
            }
        }
    }

    /// <summary>Relays a successful upstream response to the client through the pair's translators.</summary>
    /// <param name="position">Where the attempt stands in its request, for the routing headers; the default (token counting) writes none.</param>
    public Task<AttemptOutcome> RelayAsync(HttpContext context, PreparedCall call, HttpResponseMessage response, StreamTimings timings, long sentAt, CancellationToken ct,
        AttemptPosition position = default) =>
        call.IsStream(response) ? StreamAsync(context, call, response, timings, sentAt, position, ct) : RespondAsync(context, call, response, sentAt, position, ct);

    private async Task<AttemptOutcome> RespondAsync(HttpContext context, PreparedCall call, HttpResponseMessage response, long sentAt, AttemptPosition position, CancellationToken ct)
    {
        var id = call.Deployment.Id;
        using var body = new PooledBufferWriter(16 * 1024);
        try
        {
            await using var upstream = await response.Content.ReadAsStreamAsync(ct);
            int read;
            while ((read = await upstream.ReadAsync(body.GetMemory(16 * 1024), ct)) > 0) body.Advance(read);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            GatewayLog.ClientDisconnected(logger, id);
            return AttemptOutcome.Finished with { Committed = false };
        }
        catch (Exception ex) when (RelayFailures.IsUpstreamFailure(ex))
        {
            GatewayLog.UpstreamStreamBroken(logger, id, ex.Message);
            return RelayFailures.BeforeFirstByte(id, ex);
        }

        using var output = new PooledBufferWriter(8 * 1024);
        var translated = call.CreateResponseTranslator().Translate(body.WrittenMemory, output);
        switch (translated.Verdict)
        {
            case BodyVerdict.Malformed:
                GatewayLog.UpstreamStreamBroken(logger, id, "body is not valid JSON");
                return RelayFailures.Malformed(id);
            case BodyVerdict.UpstreamError:
                GatewayLog.UpstreamStreamBroken(logger, id, $"error inside a 200 ({translated.ErrorStatus?.ToString(CultureInfo.InvariantCulture) ?? "no status"})");
                return RelayFailures.ErrorInside200(translated.ErrorStatus, $"{id}: {translated.ErrorMessage}");
        }

        var ttfb = time.GetElapsedTime(sentAt);
        var outcome = new AttemptOutcome(true, null, null, translated.Usage, true, translated.FinishReason, 0, ttfb);
        var client = context.Response;
        call.OnCommit(client);
        // A whole answer's cost is known before its first byte: the client gets it in a header.
        if (position.ModelGroup is not null)
        {
            RoutingHeaders.WriteAtCommit(context, position, Usage.Pricing.Cost(call.Deployment, translated.Usage ?? default).Micros);
        }
        ReadOnlyMemory<byte> answer;
        if (translated.Identity)
        {
            client.StatusCode = (int)response.StatusCode;
            client.ContentType = response.Content.Headers.ContentType?.ToString() ?? "application/json";
            answer = body.WrittenMemory;
        }
        else
        {
            client.StatusCode = 200;
            client.ContentType = "application/json";
            answer = output.WrittenMemory;
        }
        client.ContentLength = answer.Length;
        try
        {
            // Stored before it is sent: a client continuing at once finds it.
            if (call.Keeper is { } keeper) await keeper.KeepAsync(answer);
            await client.Body.WriteAsync(answer, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            GatewayLog.ClientDisconnected(logger, id);
        }
        return outcome;
    }

    private async Task<AttemptOutcome> StreamAsync(HttpContext context, PreparedCall call, HttpResponseMessage response, StreamTimings timings, long sentAt,
        AttemptPosition position, CancellationToken ct)
    {
        var id = call.Deployment.Id;
        var client = context.Response;
        var writer = client.BodyWriter;
        var translator = call.Keeper is { } keeper ? keeper.Wrap(call.CreateStreamTranslator()) : call.CreateStreamTranslator();
        using var kept = translator as KeptEndingStream;
        // Each item is translated into a side buffer. Until the first chunk worth sending, it stays there: if the
        // upstream fails before it, nothing was sent and the request can still go to another deployment. From then
        // on each item's bytes go to the response in one write (the response pipe takes a lock for every GetSpan and
        // Advance, and an event is written in several pieces).
        using var pending = new PooledBufferWriter(1024);
        var committed = false;
        var errorBeforeCommit = false;
        var endedByError = false;
        var items = 0;
        TimeSpan? ttfb = null;

        var broken = default(FailureKind?);
        AttemptOutcome Outcome(bool sent) =>
            new(sent, sent ? broken : null, null, translator.Usage, translator.UsageFinal, translator.FinishReason, items, ttfb);

        void Send()
        {
            if (pending.WrittenCount == 0) return;
            writer.Write(pending.WrittenSpan);
            pending.Clear();
        }

        UpstreamStreamPump.PumpEnd end;
        try
        {
            await using var upstream = await response.Content.ReadAsStreamAsync(ct);
            end = await UpstreamStreamPump.RunAsync(
                upstream,
                (eventType, data) =>
                {
                    items++;
                    var step = translator.OnItem(eventType, data, pending);
                    if (step == StreamStep.UpstreamError)
                    {
                        if (!committed)
                        {
                            errorBeforeCommit = true;
                            return UpstreamStreamPump.ItemResult.Done;
                        }
                        translator.WriteError(RelayFailures.ForStatus(translator.ErrorStatus), $"{id}: {translator.ErrorMessage}", pending);
                        broken = RelayFailures.ErrorInside200(translator.ErrorStatus, "").Failure;
                        endedByError = true;
                        Send();
                        return UpstreamStreamPump.ItemResult.Done;
                    }
                    if (!committed && translator.ReadyToCommit)
                    {
                        committed = true;
                        ttfb = time.GetElapsedTime(sentAt);
                        call.OnCommit(client);
                        RoutingHeaders.WriteAtCommit(context, position, null);
                        SseResponse.Begin(client);
                    }
                    if (committed) Send();
                    return step == StreamStep.Done ? UpstreamStreamPump.ItemResult.Done : UpstreamStreamPump.ItemResult.Continue;
                },
                // A flush starts the response: only once committed, so another deployment can still take over before.
                async () =>
                {
                    if (committed) await writer.FlushAsync(ct);
                },
                async () =>
                {
                    if (!committed) return;
                    translator.WritePing(writer);
                    await writer.FlushAsync(ct);
                },
                timings,
                time,
                ct);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            GatewayLog.ClientDisconnected(logger, id);
            return Outcome(committed);
        }
        catch (Exception ex) when (RelayFailures.IsUpstreamFailure(ex))
        {
            GatewayLog.UpstreamStreamBroken(logger, id, ex.Message);
            if (!committed) return RelayFailures.BeforeFirstByte(id, ex);
            var kind = RelayFailures.AfterFirstByte(ex);
            broken = kind == StreamErrorKind.Timeout ? FailureKind.Timeout : FailureKind.Connection;
            translator.WriteError(kind, $"{id}: upstream stream broke: {UpstreamFailureText.Of(ex)}", writer);
            await writer.FlushAsync(CancellationToken.None);
            return Outcome(true);
        }

        if (!committed)
        {
            if (!errorBeforeCommit) return RelayFailures.EndedEmpty(id);
            GatewayLog.UpstreamStreamBroken(logger, id, $"error event before any content ({translator.ErrorStatus?.ToString(CultureInfo.InvariantCulture) ?? "no status"})");
            return RelayFailures.ErrorInside200(translator.ErrorStatus, $"{id}: {translator.ErrorMessage}");
        }
        if (!endedByError && !translator.Finish(end, writer))
        {
            GatewayLog.UpstreamStreamBroken(logger, id, "ended before the response was complete");
            broken = FailureKind.Connection;
            translator.WriteError(StreamErrorKind.Server, $"{id}: upstream stream ended before the response was complete.", writer);
        }
        try
        {
            if (kept is not null) await kept.ReleaseAsync(writer);
            await writer.FlushAsync(ct);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            GatewayLog.ClientDisconnected(logger, id);
        }
        return Outcome(true);
    }
}
