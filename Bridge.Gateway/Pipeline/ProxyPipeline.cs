using System.Diagnostics;
using System.Globalization;
using Bridge.Gateway.Auth;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Endpoints;
using Bridge.Gateway.Exchanges;
using Bridge.Gateway.Hooks;
using Bridge.Gateway.Limits;
using Bridge.Gateway.Models;
using Bridge.Gateway.Routing;
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
    ModelCatalog catalog,
    IDeploymentSelector selector,
    ExchangeCatalog exchanges,
    HookRegistry hooks,
    UpstreamCaller caller,
    KeyLimiter limiter,
    UsageWriter usage,
    TimeProvider time,
    GatewayOptions options)
{
    public async Task HandleAsync(HttpContext context, ApiSurface surface, string? modelOverride = null)
    {
        var started = Stopwatch.GetTimestamp();
        using var inbound = await InboundRequest.ReadAsync(context, options.MaxRequestBodyBytes, modelOverride);
        if (inbound is null) return;

        var who = GatewayMiddleware.CallerOf(context);
        var requested = inbound.Model;
        var lookupName = who.VirtualKey?.Aliases.GetValueOrDefault(requested) ?? requested;
        var group = catalog.Resolve(lookupName);
        if (!ModelAccess.Allows(who.VirtualKey, requested, group?.Name))
        {
            await ErrorResponses.WriteAsync(context, 403,
                $"API key '{who.VirtualKey!.KeyPrefix}' may not use model '{requested}'. Allowed models: {string.Join(", ", who.VirtualKey.Models)}.",
                code: "model_not_allowed", param: "model");
            return;
        }
        if (group is null)
        {
            var names = catalog.PublicNames().Where(n => ModelAccess.Allows(who.VirtualKey, n, catalog.Resolve(n)?.Name));
            await ErrorResponses.WriteAsync(context, 404,
                $"Model '{requested}' is not served by this gateway. Available models: {string.Join(", ", names)}.",
                code: "model_not_found", param: "model");
            return;
        }

        var (admission, refusal) = await limiter.AdmitAsync(who, context.RequestAborted);
        if (refusal is not null)
        {
            await ErrorResponses.WriteAsync(context, refusal.StatusCode, refusal.Message, refusal.RetryAfter);
            return;
        }
        SetLimitHeaders(context.Response, who, admission!);

        ModelDeployment? deployment = null;
        PreparedCall? call = null;
        try
        {
            deployment = selector.Pick(group, out var reason);
            if (deployment is null)
            {
                await ErrorResponses.WriteAsync(context, 503, $"Model '{requested}' cannot be served: {reason}.");
                return;
            }

            call = exchanges.For(surface, deployment.Provider).Prepare(context, inbound, deployment);
            if (!call.Ok)
            {
                await ErrorResponses.WriteAsync(context, 400, call.ErrorMessage ?? "Invalid request.", param: call.ErrorParam);
                return;
            }

            var body = await RunHooksAsync(context, call);
            if (body is null) return;

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            if ((call.Stream ? deployment.StreamTimeout ?? deployment.Timeout : deployment.Timeout) is { } limit) timeout.CancelAfter(limit);

            using var request = call.CreateRequest(context, body.Value);
            using var outcome = await caller.SendAsync(deployment, request, timeout.Token, context.RequestAborted);
            if (!outcome.Succeeded)
            {
                if (outcome.Error is { } error) await ErrorResponses.WriteAsync(context, error.StatusCode, error.Message, error.RetryAfter);
                return;
            }

            await call.WriteResponseAsync(context, outcome.Response!, timeout.Token);
        }
        finally
        {
            var tokens = Record(context, who, group, deployment, call, inbound, admission!, started);
            await limiter.ReleaseAsync(admission!, tokens);
            call?.Dispose();
        }
    }

    /// <summary>Queues the usage record (off the response path); returns the tokens used, for the tpm counter.</summary>
    private long Record(HttpContext context, Caller who, ModelGroup group, ModelDeployment? deployment, PreparedCall? call,
        InboundRequest inbound, Admission admission, long started)
    {
        var reported = call?.Usage;
        TokenUsage tokens;
        var estimated = false;
        if (reported is { } exact)
        {
            tokens = exact;
        }
        else if (call is { ChunksRelayed: > 0 })
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
        usage.Record(new UsageRecord
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
            CostMicros = cost,
            CostEstimated = costEstimated || estimated,
            LatencyMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            Stream = call?.Stream ?? false,
            BudgetPeriodStart = admission.BudgetPeriodStart,
        });
        return tokens.Total;
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
