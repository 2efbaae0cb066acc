using System.Net;
using Bridge.Gateway.Configuration;

namespace Bridge.Gateway.Upstream;

/// <summary>
/// The HTTP clients used for upstream calls: one pooled handler for real providers (timeouts are set per
/// request by the caller) and an in-process one for the demo echo provider. They are bare
/// <see cref="HttpMessageInvoker"/>s rather than <see cref="HttpClient"/>s: the handler already returns as soon as
/// the response headers arrive, and HttpClient's own timeout and cancellation layer is unused here.
/// </summary>
public sealed class UpstreamClients : IDisposable
{
    private readonly HttpMessageInvoker _network;
    private readonly HttpMessageInvoker _echo;

    public UpstreamClients()
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate | DecompressionMethods.Brotli,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            EnableMultipleHttp2Connections = true,
            MaxConnectionsPerServer = int.MaxValue,
            UseCookies = false,
            // A gateway relays what the upstream says; following a redirect would re-send a prompt somewhere else.
            AllowAutoRedirect = false,
        };
        _network = new HttpMessageInvoker(handler);
        _echo = new HttpMessageInvoker(new EchoHandler());
    }

    public HttpMessageInvoker For(ModelDeployment deployment) => deployment.Provider == ProviderKind.Echo ? _echo : _network;

    public void Dispose()
    {
        _network.Dispose();
        _echo.Dispose();
    }
}
