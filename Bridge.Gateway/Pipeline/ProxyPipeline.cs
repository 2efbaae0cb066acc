using System.Diagnostics;
using System.Globalization;
using Bridge.Gateway.Auth;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Diagnostics;
using Bridge.Gateway.Endpoints;
using Bridge.Gateway.Exchanges;
using Bridge.Gateway.Hooks;
using Bridge.Gateway.Limits;
using Bridge.Gateway.Models;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Routing;
using Bridge.Gateway.Sessions;
using Bridge.Gateway.StoredResponses;
using Bridge.Gateway.Upstream;
using Bridge.Gateway.Usage;
using Microsoft.AspNetCore.Http;

namespace Bridge.Gateway.Pipeline;

/// <summary>
/// The request path shared by every client protocol: read and parse the body, resolve the model (per-key
/// aliases first), check the caller may use it and is within its limits, pick a deployment, prepare the
/// call for that deployment's protocol, run the hooks, send, relay the answer, and record usage.
/// </summary>
public sealed class ProxyPipeline(
    BridgeConfig config,
    ModelCatalog catalog,
    DeploymentRouter router,
    DeploymentStateStore state,
    PairTable pairs,
    HookRegistry hooks,
    AttemptRelay relay,
    KeyLimiter limiter,
    SessionAffinity affinity,
    UsageWriter usage,
    TimeProvider time,
    GatewayTelemetry telemetry,
    GatewayOptions options,
    StoredResponsesStep storedResponses)
{
    public async Task HandleAsync(HttpContext context, ApiSurface surface, string? modelOverride = null)
    {
        var started = Stopwatch.GetTimestamp();
        var who = GatewayMiddleware.CallerOf(context);
        // A large body (or one of unknown size) is only read for a key that is not already at a limit.
        if (who.VirtualKey is not null && (context.Request.ContentLength ?? long.MaxValue) > KeyLimiter.LargeBodyBytes
            && await limiter.PrecheckAsync(who) is { } early)
        {
            await ErrorResponses.WriteAsync(context, early.StatusCode, early.Message, early.RetryAfter);
            return;
        }
        using var inbound = await InboundRequest.ReadAsync(context, options, modelOverride);
        if (inbound is null) return;
        inbound.Session = SessionIdentity.Derive(context.Request.Headers, inbound.Json, who.KeyId);
        var server = Activity.Current;
        server?.SetTag("gen_ai.operation.name", "chat");
        server?.SetTag("gen_ai.request.model", TagText.Bounded(inbound.Model)); // client-chosen: bounded
        server?.SetTag("gen_ai.request.stream", inbound.Json.TryGetProperty("stream"u8, out var streamFlag) && streamFlag.ValueKind == System.Text.Json.JsonValueKind.True);
        long? requestedMaxTokens = null;
        if ((inbound.Json.TryGetProperty("max_tokens"u8, out var maxTokens) || inbound.Json.TryGetProperty("max_completion_tokens"u8, out maxTokens)
                || inbound.Json.TryGetProperty("max_output_tokens"u8, out maxTokens))
            && maxTokens.ValueKind == System.Text.Json.JsonValueKind.Number)
        {
            server?.SetTag("gen_ai.request.max_tokens", maxTokens.GetRawText());
            if (maxTokens.TryGetInt32(out var asked)) requestedMaxTokens = asked;
        }

        ResponseKeeper? keeper = null;
        if (surface == ApiSurface.Responses)
        {
            (var ok, keeper) = await storedResponses.PrepareAsync(context, inbound);
            if (!ok) return;
        }

        var requested = inbound.Model;
        var (allowed, group) = await ModelResolution.ResolveAsync(context, catalog, who, requested);
        if (!allowed) return;
        if (group is null)
        {
            var names = catalog.PublicNames().Where(n => ModelAccess.Allows(who.VirtualKey, n, catalog.Resolve(n)?.Name));
            await ErrorResponses.WriteAsync(context, 404,
                $"Model '{requested}' is not served by this gateway. Available models: {string.Join(", ", names)}.",
                code: "model_not_found", param: "model");
            return;
        }

        // Only a budgeted key holds a worst case against its budget; nobody else pays for working it out.
        var worstCase = who.VirtualKey?.MaxBudgetUsd is null ? 0 : WorstCaseCost.Micros(group, inbound.Body.Length, requestedMaxTokens);
        var (admission, refusal) = await limiter.AdmitAsync(who, GatewayMiddleware.RequestIdOf(context), worstCase, context.RequestAborted);
        if (refusal is not null)
        {
            await ErrorResponses.WriteAsync(context, refusal.StatusCode, refusal.Message, refusal.RetryAfter);
            return;
        }
        SetLimitHeaders(context.Response, who, admission!);

        server?.SetTag("bridge.model_group", group.Name);
        var attempt = new AttemptLog { Started = started, KeySpendMicros = admission!.SpendMicros };
        telemetry.InFlight.Add(1);
        try
        {
            await RouteAsync(context, surface, inbound, group, attempt, keeper);
        }
        finally
        {
            telemetry.InFlight.Add(-1);
            long tokens = 0, cost = 0;
            UsageRecord? record = null;
            try
            {
                (tokens, cost, record) = Measure(context, surface, who, group, attempt, inbound, admission!);
            }
            finally
            {
                // Whatever measuring did, the request's lease and hold are given back (else its renewal would run on).
                var settled = await limiter.ReleaseAsync(admission!, tokens, cost);
                // Settled: the cost already counts against the budget, in the step that ended the hold; the record must
                // not add it again. Not settled (Redis away): the record carries it, buffered until Redis returns.
                if (record is not null) usage.Record(settled ? record with { BudgetPeriodStart = null } : record);
                attempt.Call?.Dispose();
            }
            if (attempt.Deployment is { } used) await state.AddTokensAsync(used, tokens);
        }
    }

    private static readonly IReadOnlySet<string> NothingExcluded = new HashSet<string>();

    /// <summary>The attempt that produced the response (or the last one tried), for usage and headers.</summary>
    private sealed class AttemptLog
    {
        public ModelDeployment? Deployment;
        public PreparedCall? Call;
        /// <summary>How the last attempt ended.</summary>
        public AttemptOutcome Outcome;
        public int Count;
        /// <summary>Attempts in the current model group, and model groups moved past (fallbacks), for the routing headers.</summary>
        public int InGroup, Fallbacks;
        public long Started;
        public long? KeySpendMicros;
        public string? Group;
        /// <summary>Why earlier attempts failed (for the request log); null while none has.</summary>
        public List<string>? Errors;

        public AttemptPosition Position => new(Count, Math.Max(0, InGroup - 1), Fallbacks, Group, Started, KeySpendMicros);
        /// <summary>Time spent waiting for upstream response headers, over all attempts.</summary>
        public TimeSpan UpstreamWait;
    }

    /// <summary>
    /// Tries the group, retrying on other deployments as <c>num_retries</c>/<c>retry_policy</c> allow, then its
    /// fallbacks. Never retries once a byte has reached the client, nor a 400 the client caused.
    /// </summary>
    private async Task RouteAsync(HttpContext context, ApiSurface surface, InboundRequest inbound, ModelGroup group, AttemptLog attempt, ResponseKeeper? keeper)
    {
        var settings = config.Router;
        var streaming = inbound.Json.TryGetProperty("stream"u8, out var s) && s.ValueKind == System.Text.Json.JsonValueKind.True;
        // The fallback queue and the per-group bookkeeping are only allocated once something fails:
        // most requests succeed on the first deployment tried.
        Queue<ModelGroup>? queue = null;
        HashSet<string>? queued = null;
        UpstreamError? lastError = null;

        void Enqueue(IReadOnlyDictionary<string, IReadOnlyList<string>> fallbacks, string from)
        {
            if (!fallbacks.TryGetValue(from, out var names) && !fallbacks.TryGetValue("*", out names)) return;
            foreach (var name in names)
            {
                if (catalog.Resolve(name) is not { } next) continue;
                queued ??= new HashSet<string>(StringComparer.Ordinal) { group.Name };
                if (queued.Add(next.Name)) (queue ??= new Queue<ModelGroup>()).Enqueue(next);
            }
        }

        // Session affinity: the deployment the session is pinned to in the group being tried (looked up once per group).
        var session = settings.SessionAffinity ? inbound.Session : null;
        for (var current = group; current is not null; current = queue is not null && queue.TryDequeue(out var next) ? next : null)
        {
            if (attempt.Group is not null) attempt.Fallbacks++;
            attempt.Group = current.Name;
            attempt.InGroup = 0;
            var pinned = session is null ? null : await affinity.GetAsync(session, current.Name);
            var pinRaced = false;
            HashSet<string>? exclude = null;
            // Deployments whose rpm/tpm reservation was refused: at their limit, even if this replica's view lagged.
            HashSet<string>? refusedAtLimit = null;
            Dictionary<FailureKind, int>? failures = null;
            var reset = false;
            var rateLimited = false;
            var clientCaused = false;
            var fallbacks = settings.Fallbacks;
            while (true)
            {
                var decision = router.Pick(current, streaming, exclude ?? NothingExcluded, pinned);
                if (!decision.Succeeded)
                {
                    if (refusedAtLimit is not null && decision.Unusable.All(u =>
                            u.Reason == UnusableReason.AtLimit || (u.Reason == UnusableReason.Excluded && refusedAtLimit.Contains(u.Deployment.Id))))
                    {
                        // Only limits stand in the way (another replica or a concurrent request took the last slot
                        // before this replica's counters caught up): that is a 429 until the window ends, not a 503.
                        var now = time.GetUtcNow();
                        lastError = new UpstreamError(429,
                            $"Every deployment of '{current.Name}' is at its rate limit for this minute.", MinuteWindow.End(now) - now);
                        break;
                    }
                    if (decision.Failure == UnusableReason.Excluded && !reset && !rateLimited && decision.Unusable.All(u => u.Reason == UnusableReason.Excluded))
                    {
                        // Every deployment was tried once and retries remain: go round again (not after a 429:
                        // asking a rate-limited deployment again at once only earns another 429).
                        reset = true;
                        exclude?.Clear();
                        continue;
                    }
                    if (decision.Failure is UnusableReason.CoolingDown or UnusableReason.AtLimit)
                    {
                        lastError = new UpstreamError(429,
                            $"Every deployment of '{current.Name}' is {(decision.Failure == UnusableReason.CoolingDown ? "cooling down" : "at its rate limit")}: {decision.Message}",
                            decision.RetryAfter);
                    }
                    else if (decision.Failure == UnusableReason.Unavailable || lastError is null)
                    {
                        lastError ??= new UpstreamError(503, $"Model '{current.Name}' cannot be served: {decision.Message}", null);
                    }
                    break;
                }

                var deployment = decision.Deployment!;
                if (session is not null && !decision.Preferred)
                {
                    // No pin, or the pinned deployment cannot serve now: the strategy's pick becomes the session's.
                    var inForce = await affinity.PinAsync(session, current.Name, deployment.Id, pinned);
                    if (inForce is not null && inForce != deployment.Id && !pinRaced)
                    {
                        // Another request of the session (maybe on another replica) pinned it first: follow that pin.
                        (pinned, pinRaced) = (inForce, true);
                        continue;
                    }
                    Activity.Current?.SetTag("bridge.session.affinity", pinned is null ? "miss" : "moved");
                    pinned = deployment.Id;
                }
                else if (session is not null)
                {
                    Activity.Current?.SetTag("bridge.session.affinity", "hit");
                }
                if (!await state.TryReserveAsync(deployment))
                {
                    (refusedAtLimit ??= new HashSet<string>(StringComparer.Ordinal)).Add(deployment.Id);
                    (exclude ??= new HashSet<string>(StringComparer.Ordinal)).Add(deployment.Id);
                    continue;
                }

                attempt.Call?.Dispose();
                attempt.Call = null;
                attempt.Outcome = default;
                attempt.Deployment = deployment;
                attempt.Count++;
                attempt.InGroup++;
                PreparedCall call;
                using (GatewayTelemetry.Source.StartActivity("bridge.translate"))
                {
                    try
                    {
                        call = attempt.Call = pairs.For(surface, deployment).Prepare(context, inbound, deployment);
                    }
                    catch (Exception ex) when (ex is InvalidOperationException or FormatException)
                    {
                        // Translation reads only the client's body: a JSON value of a kind a translator did not expect
                        // (which the type checks at the door missed) is the client's 400, never a 500.
                        await ErrorResponses.WriteAsync(context, 400, "The request has a field whose JSON type this gateway cannot read for this model.");
                        return;
                    }
                }
                call.Keeper = keeper;
                if (!call.Ok)
                {
                    await ErrorResponses.WriteAsync(context, 400, call.ErrorMessage ?? "Invalid request.", param: call.ErrorParam);
                    return;
                }
                var body = await RunHooksAsync(context, call);
                if (body is null) return;

                var outcome = attempt.Outcome = await relay.RunAsync(context, call, body.Value, attempt.Position, attempt.UpstreamWait);
                attempt.UpstreamWait += outcome.UpstreamWait;
                if (outcome.Committed)
                {
                    // Answered; a stream that broke after its first byte still counts against its deployment.
                    if (outcome.Failure is { } broken) await state.ReportFailureAsync(deployment, broken, null, current.Deployments.Count);
                    return;
                }
                if (outcome.Failure is not { } kind) return; // the client left

                var error = outcome.Error;
                lastError = error;
                (attempt.Errors ??= []).Add($"{deployment.Id}: {error?.StatusCode.ToString(CultureInfo.InvariantCulture) ?? "no answer"} {kind}");
                await state.ReportFailureAsync(deployment, kind, error?.RetryAfter, current.Deployments.Count);
                if (kind == FailureKind.BadRequest)
                {
                    clientCaused = true;
                    break;
                }
                if (kind is FailureKind.ContextWindow or FailureKind.ContentPolicy)
                {
                    fallbacks = kind == FailureKind.ContextWindow ? settings.ContextWindowFallbacks : settings.ContentPolicyFallbacks;
                    break;
                }
                rateLimited |= kind == FailureKind.RateLimit;
                failures ??= [];
                failures[kind] = failures.GetValueOrDefault(kind) + 1;
                var allowed = settings.RetryPolicy.TryGetValue(FailureClassifier.PolicyName(kind), out var perKind) ? perKind : settings.NumRetries;
                if (failures[kind] > allowed) break;
                (exclude ??= new HashSet<string>(StringComparer.Ordinal)).Add(deployment.Id);
            }

            if (clientCaused) break; // the client's own mistake: no retry, no fallback
            Enqueue(fallbacks, current.Name);
        }

        var final = lastError ?? new UpstreamError(503, $"Model '{group.Name}' cannot be served.", null);
        RoutingHeaders.WriteFailure(context, attempt.Position);
        await ErrorResponses.WriteAsync(context, final.StatusCode, final.Message, final.RetryAfter);
    }

    /// <summary>Measures what the request used (and records its telemetry); the usage record is queued once the limits are released.</summary>
    private (long Tokens, long CostMicros, UsageRecord Record) Measure(HttpContext context, ApiSurface surface, Caller who, ModelGroup group, AttemptLog attempt,
        InboundRequest inbound, Admission admission)
    {
        var deployment = attempt.Deployment;
        var call = attempt.Outcome;
        var stream = attempt.Call?.Stream ?? false;
        var started = attempt.Started;
        var reported = call.Usage;
        TokenUsage tokens;
        var estimated = false;
        if (reported is { } exact)
        {
            tokens = exact;
            if (!call.UsageFinal && call.ChunksRelayed > exact.OutputTokens)
            {
                // The final usage never came (the client read the answer and left first): charge what was relayed.
                tokens = exact with { OutputTokens = call.ChunksRelayed };
                estimated = true;
            }
        }
        else if (call.ChunksRelayed > 0)
        {
            // The stream ended early (client gone, upstream broke): charge what was produced, estimated.
            tokens = new TokenUsage(inbound.Body.Length / 4, call.ChunksRelayed, 0);
            estimated = true;
        }
        else
        {
            tokens = default;
        }

        var (cost, costEstimated) = Pricing.Cost(deployment, tokens);
        RecordTelemetry(context, who, group, deployment, call, stream, tokens, cost, started);
        var record = new UsageRecord
        {
            RequestId = GatewayMiddleware.RequestIdOf(context),
            Time = time.GetUtcNow(),
            KeyId = who.KeyId,
            KeyName = who.KeyName ?? (who.IsMaster ? "master key" : null),
            Model = group.Name,
            Deployment = deployment?.Id,
            Status = context.RequestAborted.IsCancellationRequested ? 499 : context.Response.StatusCode,
            InputTokens = tokens.InputTokens,
            OutputTokens = tokens.OutputTokens,
            CachedTokens = tokens.CachedTokens,
            CacheWriteTokens = tokens.CacheWriteTokens,
            CacheSavingsMicros = Pricing.CacheSavingsMicros(deployment, tokens.CachedTokens),
            CostMicros = cost,
            CostEstimated = costEstimated || estimated,
            LatencyMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            Stream = stream,
            BudgetPeriodStart = admission.BudgetPeriodStart,
            Protocol = ProtocolNames[(int)surface],
            RequestedModel = TagText.Bounded(inbound.Model),
            Attempts = attempt.Count,
            AttemptErrors = attempt.Errors,
            TimeToFirstTokenMs = stream ? call.TimeToFirstByte?.TotalMilliseconds : null,
            Error = ErrorText(context, call),
            TraceId = Activity.Current is { Recorded: true } span ? span.TraceId.ToHexString() : null,
            SessionLabel = inbound.Session?.Label,
            SessionSource = inbound.Session?.Source.Name(),
        };
        return (tokens.Total, cost, record);
    }

    /// <summary>The request log's name of each client API (<see cref="ApiSurface"/> order).</summary>
    private static readonly string[] ProtocolNames = ["anthropic", "openai", "responses"];

    /// <summary>What went wrong for the client, for the request log: the error it was answered with, or a broken stream.</summary>
    private static string? ErrorText(HttpContext context, AttemptOutcome call)
    {
        if (context.Items.TryGetValue(ErrorResponses.MessageItemKey, out var written) && written is string message)
        {
            return message.Length <= 500 ? message : message[..500] + "...";
        }
        if (call.Committed && call.Failure is { } broken) return $"The upstream stream broke after the first byte ({broken}).";
        return context.RequestAborted.IsCancellationRequested ? "The client left before the answer ended." : null;
    }

    private void RecordTelemetry(HttpContext context, Caller who, ModelGroup group, ModelDeployment? deployment, AttemptOutcome call, bool stream, TokenUsage tokens,
        long cost, long started)
    {
        var status = context.RequestAborted.IsCancellationRequested ? 499 : context.Response.StatusCode;
        var provider = deployment?.Spec.OtelName ?? "none";
        var server = Activity.Current;
        server?.SetTag("bridge.key_id", who.KeyId);
        server?.SetTag("gen_ai.provider.name", provider);
        server?.SetTag("bridge.deployment", deployment?.Id);
        if (deployment is not null) server?.SetTag("gen_ai.response.model", deployment.UpstreamModel);
        if (call.Usage is not null)
        {
            // The conventions count cache reads and writes inside input_tokens.
            server?.SetTag("gen_ai.usage.input_tokens", tokens.PromptTokens);
            server?.SetTag("gen_ai.usage.output_tokens", tokens.OutputTokens);
            server?.SetTag("gen_ai.usage.cache_read.input_tokens", tokens.CachedTokens);
            server?.SetTag("gen_ai.usage.cache_creation.input_tokens", tokens.CacheWriteTokens);
        }
        if (call.FinishReason is { } finish) server?.SetTag("gen_ai.response.finish_reasons", new[] { finish });
        if (call.TimeToFirstByte is { } ttfb && stream)
        {
            server?.SetTag("bridge.time_to_first_token_ms", Math.Round(ttfb.TotalMilliseconds, 3));
            telemetry.TimeToFirstToken.Record(ttfb.TotalSeconds,
                new KeyValuePair<string, object?>("gen_ai.request.model", group.Name), new KeyValuePair<string, object?>("gen_ai.provider.name", provider));
        }

        var tags = new TagList
        {
            { "gen_ai.operation.name", "chat" },
            { "gen_ai.provider.name", provider },
            { "gen_ai.request.model", group.Name },
            { "gen_ai.response.model", deployment?.UpstreamModel },
        };
        if (status >= 400) tags.Add("error.type", status.ToString(CultureInfo.InvariantCulture));
        telemetry.OperationDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        if (call.Usage is not null)
        {
            var input = tags;
            input.Add("gen_ai.token.type", "input");
            telemetry.TokenUsage.Record(tokens.PromptTokens, input);
            var output = tags;
            output.Add("gen_ai.token.type", "output");
            telemetry.TokenUsage.Record(tokens.OutputTokens, output);
            // gen_ai.token.type knows only input and output (the cache parts are inside input): the cache has its own counter.
            var cacheTags = new TagList { { "gen_ai.request.model", group.Name }, { "gen_ai.provider.name", provider }, { "bridge.deployment", deployment?.Id ?? "none" } };
            CountCacheTokens(tokens.CachedTokens, "read");
            CountCacheTokens(tokens.CacheWriteTokens, "creation");
            CountCacheTokens(tokens.InputTokens, "uncached");

            // TagList is a struct: each count gets its own copy with its type added.
            void CountCacheTokens(long count, string type)
            {
                var typed = cacheTags;
                typed.Add("bridge.cache.token.type", type);
                telemetry.CacheTokens.Add(count, typed);
            }
        }
        telemetry.Requests.Add(1, new KeyValuePair<string, object?>("http.response.status_code", status),
            new KeyValuePair<string, object?>("bridge.deployment", deployment?.Id ?? "none"));
        if (telemetry.LiteLlm.Enabled)
        {
            telemetry.LiteLlm.RecordRequest(who.KeyId, who.KeyName ?? (who.IsMaster ? "master key" : null), group.Name, deployment, status,
                tokens.InputTokens + tokens.CachedTokens, tokens.OutputTokens, cost, Stopwatch.GetElapsedTime(started), stream ? call.TimeToFirstByte : null);
        }
    }

    private static void SetLimitHeaders(HttpResponse response, Caller who, Admission admission)
    {
        if (admission.RemainingRequests is { } requests)
        {
            response.Headers["x-ratelimit-limit-requests"] = who.VirtualKey!.RpmLimit!.Value.ToString(CultureInfo.InvariantCulture);
            response.Headers["x-ratelimit-remaining-requests"] = requests.ToString(CultureInfo.InvariantCulture);
        }
        if (admission.RemainingTokens is { } tokens)
        {
            response.Headers["x-ratelimit-limit-tokens"] = who.VirtualKey!.TpmLimit!.Value.ToString(CultureInfo.InvariantCulture);
            response.Headers["x-ratelimit-remaining-tokens"] = tokens.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Runs the configured pre-call hooks; returns the final body, or null after writing a rejection.</summary>
    private async Task<ReadOnlyMemory<byte>?> RunHooksAsync(HttpContext context, PreparedCall call)
    {
        if (hooks.Active.Count == 0) return call.Body;
        var hookContext = new PreCallContext(call.Deployment, call.UpstreamProtocol, call.Body);
        foreach (var hook in hooks.Active)
        {
            var decision = await hook.OnPreCallAsync(hookContext, context.RequestAborted);
            if (decision.Rejected)
            {
                await ErrorResponses.WriteAsync(context, decision.StatusCode, $"Rejected by {hook.Name}: {decision.Message}");
                return null;
            }
        }
        return hookContext.FinalBody();
    }
}
