using System.Net;
using Bridge.Gateway.Configuration;

namespace Bridge.Gateway.Upstream;

/// <summary>
/// The HTTP clients used for upstream calls: one pooled client for real providers (timeouts are set per
/// request by the caller) and an in-process one for the demo echo provider.
/// </summary>
public sealed class UpstreamClients : IDisposable
{
    private readonly HttpClient _network;
    private readonly HttpClient _echo;

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
        };
        _network = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _echo = new HttpClient(new EchoHandler()) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public HttpClient For(ModelDeployment deployment) => deployment.Provider == ProviderKind.Echo ? _echo : _network;

    public void Dispose()
    {
        _network.Dispose();
        _echo.Dispose();
    }
}
