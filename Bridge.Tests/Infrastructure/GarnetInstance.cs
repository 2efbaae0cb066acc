using System.Net;
using System.Net.Sockets;
using Garnet;

namespace Bridge.Tests.Infrastructure;

/// <summary>
/// A real Redis-compatible server (Microsoft Garnet, Lua enabled) in the test process on a free loopback
/// port. Can be stopped and started again on the same port to simulate a Redis blip.
/// </summary>
public sealed class GarnetInstance : IDisposable
{
    private GarnetServer? _server;

    public GarnetInstance()
    {
        Port = FreePort();
        Start();
    }

    public int Port { get; }
    public string ConnectionString => $"127.0.0.1:{Port}";

    public void Start()
    {
        _server ??= new GarnetServer(["--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--lua", "-q"]);
        _server.Start();
    }

    /// <summary>Stops the server (all data is lost, as with a Redis restart without persistence).</summary>
    public void Stop()
    {
        _server?.Dispose();
        _server = null;
    }

    public void Dispose() => Stop();

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One Garnet shared by a test class.</summary>
public sealed class GarnetFixture : IDisposable
{
    public GarnetInstance Garnet { get; } = new();
    public void Dispose() => Garnet.Dispose();
}
