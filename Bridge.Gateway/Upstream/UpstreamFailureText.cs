using System.Net.Http;

namespace Bridge.Gateway.Upstream;

/// <summary>
/// What a client is told about a failed upstream connection. Exception messages name the upstream's host and
/// port ("Connection refused (10.0.0.7:443)"): those go to the log only; the client gets the kind of failure,
/// next to the deployment's name.
/// </summary>
public static class UpstreamFailureText
{
    public static string Of(Exception ex) => ex switch
    {
        HttpRequestException http => http.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "name resolution failed",
            HttpRequestError.ConnectionError => "connection failed",
            HttpRequestError.SecureConnectionError => "TLS handshake failed",
            HttpRequestError.ProxyTunnelError => "proxy tunnel failed",
            HttpRequestError.ResponseEnded => "response ended early",
            HttpRequestError.HttpProtocolError or HttpRequestError.InvalidResponse => "invalid HTTP response",
            _ => "request failed",
        },
        // Bridge's own size bounds: the message names the bound, not the upstream.
        UpstreamTooLargeException => ex.Message,
        IOException => "connection broken",
        // Bridge's own timeouts: their messages are its own words ("no chunk for 30 s").
        TimeoutException or OperationCanceledException => ex.Message,
        System.Text.Json.JsonException => "body is not valid JSON",
        _ => "request failed",
    };
}
