using System.Globalization;
using Bridge.Gateway.Protocols.Anthropic;
using Bridge.Gateway.Protocols.OpenAI;
using Microsoft.AspNetCore.Http;

namespace Bridge.Gateway.Endpoints;

/// <summary>Writes errors in the client's own envelope, keeping the status code.</summary>
public static class ErrorResponses
{
    /// <summary>Serialises an error body for <paramref name="surface"/>.</summary>
    public static byte[] Body(ApiSurface surface, int status, string message, string? code = null, string? param = null) =>
        surface == ApiSurface.Anthropic
            ? AnthropicErrors.Write(AnthropicErrors.TypeForStatus(status), message)
            : OpenAIErrors.Write(message, OpenAIErrors.TypeForStatus(status), param, code);

    /// <summary>Where the message of the error a request was answered with is kept, for the request log.</summary>
    public const string MessageItemKey = "bridge.error";

    public static async Task WriteAsync(HttpContext context, int status, string message, TimeSpan? retryAfter = null, string? code = null, string? param = null)
    {
        var response = context.Response;
        if (response.HasStarted) return;
        context.Items[MessageItemKey] = message;
        response.StatusCode = status;
        response.ContentType = "application/json";
        if (retryAfter is { } ra)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(ra.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
        var body = Body(ApiSurfaces.For(context), status, message, code, param);
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted);
    }
}
