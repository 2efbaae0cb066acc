using System.Net;
using System.Net.Sockets;
using Garnet;

namespace Bridge.Tests.Admin;

public sealed class AdminRedisTests
{
    [Fact]
    public async Task Overview_ShowsRedisConnected_WhenConnectionStringIsSet()
    {
        var port = FreePort();
        using var garnet = new GarnetServer(["--bind", "127.0.0.1", "--port", port.ToString(), "-q"]);
        garnet.Start();
        await using var host = await AdminHost.StartAsync(settings: [new("ConnectionStrings:redis", $"127.0.0.1:{port}")]);
        using var client = host.CreateClient();
        await AdminHost.SignInAsync(client, AdminHost.MasterKey);

        var overview = "";
        for (var attempt = 0; attempt < 50 && !overview.Contains(">connected<"); attempt++)
        {
            if (attempt > 0) await Task.Delay(100);
            overview = await client.GetStringAsync("");
        }

        Assert.Contains(">connected<", overview);
        Assert.Contains($"127.0.0.1:{port}", overview);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
