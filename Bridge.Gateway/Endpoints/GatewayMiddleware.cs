using System.Diagnostics;
using Bridge.Gateway.Auth;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Diagnostics;
using Bridge.Gateway.State;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bridge.Gateway.Endpoints;

/// <summary>
/// Runs before every gateway endpoint: assigns the request id (header, log scope, trace tag) and
/// authenticates the caller, answering 401 in the client's envelope, or 429 to an address that keeps presenting
/// wrong keys (<see cref="AuthFailureThrottle"/>).
/// </summary>
public sealed class GatewayMiddleware(RequestDelegate next, ICallerAuthenticator authenticator, AuthFailureThrottle throttle, KeyDirectory keys, BridgeConfig config,
    ILogger<GatewayMiddleware> logger)
{
    /// <summary><c>/metrics</c> without a key (<c>require_auth_for_metrics_endpoint: false</c>).</summary>
    private readonly bool _metricsPublic = PrometheusEndpoint.IsPublic(config);

    public const string CallerItemKey = "bridge.caller";
    public const string RequestIdItemKey = "bridge.request_id";

    public async Task InvokeAsync(HttpContext context)
    {
        var requestId = RequestIds.New();
        context.Items[RequestIdItemKey] = requestId;
        var surface = ApiSurfaces.For(context);
        context.Response.Headers[surface == ApiSurface.Anthropic ? "request-id" : "x-request-id"] = requestId;
        Activity.Current?.SetTag("bridge.request_id", requestId);

        using var scope = logger.BeginScope(new KeyValuePair<string, object>[] { new("RequestId", requestId) });

        if (!IsPublic(context.Request))
        {
            var address = context.Connection.RemoteIpAddress;
            var presented = CallerKey.From(context.Request);
            // A key this replica already knows is valid is no guess: it is served even from a blocked address.
            string? hash = null;
            var guarded = throttle.Enabled && presented is not null && !keys.IsKnownValid(presented, out hash);
            if (guarded && throttle.Begin(address) is { } wait)
            {
                GatewayLog.AuthRejected(logger, context.Request.Path, 429);
                await ErrorResponses.WriteAsync(context, 429,
                    "Too many requests with a wrong API key from this address; wait before trying again.", wait, code: "auth_throttled");
                return;
            }
            var outcome = default(AuthOutcome);
            try
            {
                outcome = await authenticator.AuthenticateAsync(presented, context.RequestAborted, hash);
            }
            finally
            {
                if (guarded) throttle.End(address, outcome.WrongKey);
            }
            if (!outcome.Succeeded)
            {
                GatewayLog.AuthRejected(logger, context.Request.Path, outcome.StatusCode);
                await ErrorResponses.WriteAsync(context, outcome.StatusCode, outcome.Message ?? "Unauthorized");
                return;
            }
            context.Items[CallerItemKey] = outcome.Caller;
            Activity.Current?.SetTag("bridge.key_id", outcome.Caller!.KeyId);
        }

        await next(context);
    }

    private bool IsPublic(HttpRequest request)
    {
        var path = request.Path;
        return path == "/" || path == "" || path == "/health" || path == "/alive" || path == "/favicon.ico"
            || (_metricsPublic && PrometheusEndpoint.IsPath(path));
    }

    public static Caller CallerOf(HttpContext context) => context.Items[CallerItemKey] as Caller ?? Caller.Anonymous;

    public static string RequestIdOf(HttpContext context) => context.Items[RequestIdItemKey] as string ?? "";
}
