using Bridge.Gateway.Json;
using System.Text.Json;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Exchanges;
using Bridge.Gateway.Models;
using Bridge.Gateway.Pipeline;
using Bridge.Gateway.Relay;
using Bridge.Gateway.Tokens;
using Bridge.Gateway.Upstream;

namespace Bridge.Gateway.Endpoints;

/// <summary>
/// <c>POST /v1/messages/count_tokens</c>: never a 404, never a 500, never a paid call to an OpenAI-format
/// backend. OpenAI-family targets are counted locally with the model's tokenizer; <c>anthropic/</c>
/// deployments are asked upstream, falling back to the local count if that fails.
/// </summary>
public static class CountTokensEndpoint
{
    public static IEndpointRouteBuilder MapCountTokensApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/messages/count_tokens", HandleAsync);
        return app;
    }

    private static async Task HandleAsync(
        HttpContext context, GatewayOptions options, ModelCatalog catalog, PairTable exchanges, UpstreamCaller caller, AttemptRelay relay, TimeProvider time, ILoggerFactory loggers)
    {
        using var inbound = await InboundRequest.ReadAsync(context, options);
        if (inbound is null) return;
        if (!inbound.Json.TryGetProperty("messages"u8, out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            await ErrorResponses.WriteAsync(context, 400, "messages: required, must be an array.");
            return;
        }

        // The same resolve-and-authorize step as a message: the key's aliases apply and its allowed models bind.
        // An unknown name is still counted (with o200k_base): Claude Code asks before it ever sends a message.
        var (allowed, group) = await ModelResolution.ResolveAsync(context, catalog, GatewayMiddleware.CallerOf(context), inbound.Model);
        if (!allowed) return;
        var deployment = group?.Deployments.FirstOrDefault(d => d.IsAvailable) ?? group?.Deployments[0];

        if (deployment is { Provider: ProviderKind.Anthropic, IsAvailable: true })
        {
            using var call = exchanges.MessagesNative.Prepare(context, inbound, deployment, "/count_tokens");
            using var request = call.CreateRequest(context, call.Body);
            var sentAt = time.GetTimestamp();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var outcome = await caller.SendAsync(deployment, request, timeout.Token, context.RequestAborted);
            if (outcome.Succeeded)
            {
                var relayed = await relay.RelayAsync(context, call, outcome.Response!, new StreamTimings(options.StreamPingInterval, null, TimeSpan.FromSeconds(10)), sentAt, timeout.Token);
                if (relayed.Committed || context.RequestAborted.IsCancellationRequested) return;
            }
            if (context.RequestAborted.IsCancellationRequested) return;
            loggers.CreateLogger(typeof(CountTokensEndpoint)).LogInformation(
                "count_tokens upstream failed on {DeploymentId} ({Status}); counting locally", deployment.Id, outcome.Error?.StatusCode);
        }

        var count = LocalTokenCounter.CountAnthropicRequest(inbound.Json, deployment?.UpstreamModel ?? inbound.Model);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($$"""{"input_tokens":{{count}}}""", context.RequestAborted);
    }
}
