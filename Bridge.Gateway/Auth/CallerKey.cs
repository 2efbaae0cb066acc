using Microsoft.AspNetCore.Http;

namespace Bridge.Gateway.Auth;

/// <summary>Reads the caller's key the way Anthropic and OpenAI clients send it.</summary>
public static class CallerKey
{
    /// <summary><c>x-api-key</c>, else <c>api-key</c> (Azure clients), else <c>Authorization: Bearer</c>.</summary>
    public static string? From(HttpRequest request)
    {
        var headers = request.Headers;
        if (headers.TryGetValue("x-api-key", out var apiKey) && !string.IsNullOrEmpty(apiKey)) return apiKey.ToString();
        if (headers.TryGetValue("api-key", out var azureKey) && !string.IsNullOrEmpty(azureKey)) return azureKey.ToString();
        var auth = headers.Authorization.ToString();
        const string bearer = "Bearer ";
        if (auth.StartsWith(bearer, StringComparison.OrdinalIgnoreCase))
        {
            var token = auth[bearer.Length..].Trim();
            return token.Length > 0 ? token : null;
        }
        return null;
    }
}
