using Bridge.Gateway.Configuration;
using Bridge.Gateway.Endpoints;
using Bridge.Gateway.Exchanges;
using Bridge.Gateway.Hooks;
using Bridge.Gateway.Models;
using Bridge.Gateway.Routing;
using Bridge.Gateway.Upstream;
using Microsoft.AspNetCore.Http;

namespace Bridge.Gateway.Pipeline;

/// <summary>
/// The request path shared by every client protocol: read and parse the body, resolve the model, pick a
/// deployment, prepare the call for that deployment's protocol, run the hooks, send, and relay the answer.
/// </summary>
public sealed class ProxyPipeline(
    ModelCatalog catalog,
    IDeploymentSelector selector,
    ExchangeCatalog exchanges,
    HookRegistry hooks,
    UpstreamCaller caller,
    GatewayOptions options)
{
    public async Task HandleAsync(HttpContext context, ApiSurface surface, string? modelOverride = null)
    {
        using var inbound = await InboundRequest.ReadAsync(context, options.MaxRequestBodyBytes, modelOverride);
        if (inbound is null) return;

        var group = catalog.Resolve(inbound.Model);
        if (group is null)
        {
            await ErrorResponses.WriteAsync(context, 404,
                $"Model '{inbound.Model}' is not served by this gateway. Available models: {string.Join(", ", catalog.PublicNames())}.",
                code: "model_not_found", param: "model");
            return;
        }

        var deployment = selector.Pick(group, out var reason);
        if (deployment is null)
        {
            await ErrorResponses.WriteAsync(context, 503, $"Model '{inbound.Model}' cannot be served: {reason}.");
            return;
        }

        using var call = exchanges.For(surface, deployment.Provider).Prepare(context, inbound, deployment);
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
