using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Garnet;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bridge.AppHost;

public static class RedisResourceExtensions
{
    /// <summary>
    /// Adds the shared state store named <paramref name="name"/>: Aspire's Redis container when a container
    /// runtime answers, otherwise Garnet hosted in this process. <c>Bridge:Redis</c> (<c>container</c> or
    /// <c>garnet</c>) forces a choice. The console says which one runs.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddBridgeRedis(this IDistributedApplicationBuilder builder, string name)
    {
        var mode = builder.Configuration["Bridge:Redis"]?.ToLowerInvariant();
        var useContainer = mode switch
        {
            "container" => true,
            "garnet" => false,
            _ => ContainerRuntimeAnswers(),
        };

        if (useContainer)
        {
            Console.WriteLine($"[bridge] A container runtime answers: '{name}' runs as Aspire's Redis container.");
            return builder.AddRedis(name);
        }

        Console.WriteLine($"[bridge] No container runtime answers: '{name}' runs as Microsoft Garnet inside the AppHost (no install needed).");
        return builder.AddGarnet(name);
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddGarnet(this IDistributedApplicationBuilder builder, string name)
    {
        var port = FreeLoopbackPort();
        var resource = new GarnetResource(name, port);
        GarnetServer? server = null;

        var healthKey = $"{name}-ping";
        builder.Services.AddHealthChecks().AddCheck(healthKey, () =>
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                var stream = client.GetStream();
                stream.Write("PING\r\n"u8);
                var buffer = new byte[16];
                var read = stream.Read(buffer);
                return read > 0 && buffer[0] == (byte)'+' ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("no PONG");
            }
            catch (SocketException ex)
            {
                return HealthCheckResult.Unhealthy(ex.Message);
            }
        });

        var resourceBuilder = builder.AddResource(resource)
            .WithHealthCheck(healthKey)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "Garnet (Redis-compatible)",
                State = KnownResourceStates.NotStarted,
                Properties = [new("port", port.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            });

        resourceBuilder.OnInitializeResource(async (r, evt, ct) =>
        {
            await evt.Notifications.PublishUpdateAsync(r, s => s with { State = KnownResourceStates.Starting });
            try
            {
                server = new GarnetServer(["--bind", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--lua", "-q"]);
                server.Start();
                evt.Logger.LogInformation("Garnet listening on 127.0.0.1:{Port}", port);
                await evt.Eventing.PublishAsync(new BeforeResourceStartedEvent(r, evt.Services), ct);
                await evt.Notifications.PublishUpdateAsync(r, s => s with
                {
                    State = KnownResourceStates.Running,
                    StartTimeStamp = DateTime.UtcNow,
                    Urls = [new UrlSnapshot("tcp", $"tcp://127.0.0.1:{port}", IsInternal: false)],
                });
                var lifetime = evt.Services.GetRequiredService<IHostApplicationLifetime>();
                lifetime.ApplicationStopping.Register(() => server?.Dispose());
            }
            catch (Exception ex)
            {
                evt.Logger.LogError(ex, "Garnet failed to start");
                await evt.Notifications.PublishUpdateAsync(r, s => s with { State = KnownResourceStates.FailedToStart });
            }
        });

        return resourceBuilder;
    }

    /// <summary>True when <c>docker info</c> or <c>podman info</c> reaches a running engine within a few seconds.</summary>
    private static bool ContainerRuntimeAnswers()
    {
        foreach (var cli in new[] { "docker", "podman" })
        {
            try
            {
                using var process = Process.Start(new ProcessStartInfo(cli, "info --format {{.ServerVersion}}")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                });
                if (process is null) continue;
                if (!process.WaitForExit(TimeSpan.FromSeconds(5)))
                {
                    process.Kill(entireProcessTree: true);
                    continue;
                }
                if (process.ExitCode == 0) return true;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed.
            }
        }
        return false;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
