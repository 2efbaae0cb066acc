using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Endpoints;
using Microsoft.AspNetCore.Http;

namespace Bridge.Gateway.Relay;

/// <summary>
/// The response headers that say what a request cost and who answered it, under LiteLLM's names so tools written
/// for the LiteLLM proxy keep working (<c>x-litellm-model-id</c>, <c>x-litellm-response-cost</c>...), beside Bridge's
/// own <c>x-bridge-deployment</c> and <c>x-bridge-attempts</c>. All of them are set before the body starts. A stream's
/// cost is only known at its end, after the headers left: as LiteLLM does, a stream's response carries no
/// <c>x-litellm-response-cost</c> (its cost is in the usage record and the request log).
/// </summary>
public static class RoutingHeaders
{
    public const string ResponseCost = "x-litellm-response-cost";
    public const string KeySpend = "x-litellm-key-spend";
    public const string ResponseDuration = "x-litellm-response-duration-ms";

    // Deployments are immutable: each one's public base address is worked out once.
    private static readonly ConditionalWeakTable<ModelDeployment, string> ApiBases = new();

    /// <summary>Who answers and after how many attempts: set once an upstream accepted the attempt, before relaying.</summary>
    public static void WriteRouting(HttpContext context, ModelDeployment deployment, in AttemptPosition position, TimeSpan overhead)
    {
        var headers = context.Response.Headers;
        var overheadMs = overhead.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
        headers["x-bridge-deployment"] = deployment.Id;
        headers["x-bridge-attempts"] = position.Attempt.ToString(CultureInfo.InvariantCulture);
        headers["x-bridge-overhead-duration-ms"] = overheadMs;
        if (position.ModelGroup is null) return;
        headers["x-litellm-call-id"] = GatewayMiddleware.RequestIdOf(context);
        headers["x-litellm-model-id"] = deployment.Id;
        headers["x-litellm-model-group"] = position.ModelGroup;
        if (ApiBase(deployment) is { Length: > 0 } apiBase) headers["x-litellm-model-api-base"] = apiBase;
        headers["x-litellm-attempted-retries"] = position.Retries.ToString(CultureInfo.InvariantCulture);
        headers["x-litellm-attempted-fallbacks"] = position.Fallbacks.ToString(CultureInfo.InvariantCulture);
        headers["x-litellm-overhead-duration-ms"] = overheadMs;
    }

    /// <summary>
    /// Just before the body starts: the total duration so far and, when <paramref name="costMicros"/> is known (a
    /// whole answer), the request's cost and the key's spend with it. A stream passes null: only the spend before it.
    /// </summary>
    public static void WriteAtCommit(HttpContext context, in AttemptPosition position, long? costMicros)
    {
        if (position.ModelGroup is null) return;
        var headers = context.Response.Headers;
        headers[ResponseDuration] = Stopwatch.GetElapsedTime(position.RequestStarted).TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
        if (costMicros is { } cost) headers[ResponseCost] = Usd(cost);
        if (position.KeySpendMicros is { } spend) headers[KeySpend] = Usd(spend + (costMicros ?? 0));
    }

    /// <summary>The attempts made, on an error answer (no deployment answered).</summary>
    public static void WriteFailure(HttpContext context, in AttemptPosition position)
    {
        var headers = context.Response.Headers;
        headers["x-bridge-attempts"] = position.Attempt.ToString(CultureInfo.InvariantCulture);
        headers["x-litellm-call-id"] = GatewayMiddleware.RequestIdOf(context);
        headers["x-litellm-attempted-retries"] = position.Retries.ToString(CultureInfo.InvariantCulture);
        headers["x-litellm-attempted-fallbacks"] = position.Fallbacks.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Micro-dollars as a plain decimal number of USD, as LiteLLM writes a cost (<c>0.000123</c>).</summary>
    public static string Usd(long micros) => (micros / 1_000_000m).ToString(CultureInfo.InvariantCulture);

    /// <summary>Where a deployment lives, without query or credentials (also a metrics label).</summary>
    public static string ApiBase(ModelDeployment deployment) => ApiBases.GetValue(deployment, static d =>
    {
        var configured = d.ApiBase ?? d.Provider switch
        {
            ProviderKind.OpenAI => "https://api.openai.com/v1",
            ProviderKind.Anthropic => "https://api.anthropic.com",
            ProviderKind.Ollama => "http://localhost:11434",
            _ => null,
        };
        if (configured is null || !Uri.TryCreate(configured, UriKind.Absolute, out var uri)) return "";
        // Never the query (it may hold a key) nor user info: only where the deployment lives.
        return uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
    });
}
