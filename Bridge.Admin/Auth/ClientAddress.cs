namespace Bridge.Admin.Auth;

/// <summary>Who is asking, for the sign-in throttle and the logs.</summary>
public static class ClientAddress
{
    /// <summary>
    /// The client's address: the connection's, or the one a trusted proxy forwarded (<c>UseForwardedHeaders</c> runs
    /// first and replaces it; see <see cref="Hosting.AdminForwardedHeaders"/>).
    /// </summary>
    public static string Of(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
