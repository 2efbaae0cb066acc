namespace Bridge.Admin.Auth;

/// <summary>The paths the sign-in flow uses, and which requests are exempt from it.</summary>
public static class AdminPaths
{
    public const string Login = "/login";
    public const string Logout = "/logout";
    public const string UsageExport = "/usage/export.csv";

    /// <summary>Health probes answer without a session (the orchestrator has none).</summary>
    public static bool IsProbe(PathString path) => path.StartsWithSegments("/health") || path.StartsWithSegments("/alive");

    /// <summary>Machine-facing paths get 401/403 instead of a redirect to the login page.</summary>
    public static bool IsApi(PathString path) => path.StartsWithSegments("/api") || path.StartsWithSegments("/_blazor")
        || path.StartsWithSegments("/key") || path.StartsWithSegments("/openapi");

    /// <summary>Only same-site absolute paths are followed after sign-in; anything else goes home.</summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.StartsWith(Login, StringComparison.OrdinalIgnoreCase)
            ? url
            : "/";

    public static string LoginWith(string? error, string returnUrl)
    {
        var query = new List<KeyValuePair<string, string?>>();
        if (error is not null) query.Add(new("error", error));
        if (returnUrl != "/") query.Add(new("ReturnUrl", returnUrl));
        return Login + QueryString.Create(query);
    }
}
