using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Bridge.Gateway.Endpoints;

/// <summary>Writes errors in the client's own envelope, keeping the status code.</summary>
public static class ErrorResponses
{
    public static string AnthropicType(int status) => status switch
    {
        400 => "invalid_request_error",
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        504 => "timeout_error",
        529 => "overloaded_error",
        >= 400 and < 500 => "invalid_request_error",
        _ => "api_error",
    };

    public static string OpenAIType(int status) => status switch
    {
        400 or 404 or 413 or 422 => "invalid_request_error",
        401 => "authentication_error",
        402 => "insufficient_quota",
        403 => "permission_error",
        429 => "rate_limit_error",
        >= 400 and < 500 => "invalid_request_error",
        _ => "server_error",
    };

    /// <summary>Serialises an error body for <paramref name="surface"/>.</summary>
    public static byte[] Body(ApiSurface surface, int status, string message, string? code = null, string? param = null)
    {
        using var buffer = new MemoryStream(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (surface == ApiSurface.Anthropic)
            {
                w.WriteString("type", "error");
                w.WriteStartObject("error");
                w.WriteString("type", AnthropicType(status));
                w.WriteString("message", message);
                w.WriteEndObject();
            }
            else
            {
                w.WriteStartObject("error");
                w.WriteString("message", message);
                w.WriteString("type", OpenAIType(status));
                if (param is null) w.WriteNull("param"); else w.WriteString("param", param);
                if (code is null) w.WriteNull("code"); else w.WriteString("code", code);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    public static async Task WriteAsync(HttpContext context, int status, string message, TimeSpan? retryAfter = null, string? code = null, string? param = null)
    {
        var response = context.Response;
        if (response.HasStarted) return;
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
