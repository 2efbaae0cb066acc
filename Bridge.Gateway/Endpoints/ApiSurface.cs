using Microsoft.AspNetCore.Http;

namespace Bridge.Gateway.Endpoints;

/// <summary>The protocol a client speaks, which decides the error envelope and request-id header.</summary>
public enum ApiSurface
{
    Anthropic,
    OpenAI,
    /// <summary>OpenAI's Responses API (<c>/v1/responses</c>): OpenAI's error envelope, like <see cref="OpenAI"/>.</summary>
    Responses,
}

public static class ApiSurfaces
{
    /// <summary>Anthropic paths are <c>/v1/messages*</c>; <c>/v1/models</c> answers Anthropic clients when they send <c>anthropic-version</c>.</summary>
    public static ApiSurface For(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/v1/messages") || path.StartsWithSegments("/messages")) return ApiSurface.Anthropic;
        if (path.StartsWithSegments("/v1/responses") || path.StartsWithSegments("/responses")
            || path.StartsWithSegments("/openai/v1/responses") || path.StartsWithSegments("/openai/responses")) return ApiSurface.Responses;
        if (path.StartsWithSegments("/v1/models") && context.Request.Headers.ContainsKey("anthropic-version")) return ApiSurface.Anthropic;
        return ApiSurface.OpenAI;
    }
}
