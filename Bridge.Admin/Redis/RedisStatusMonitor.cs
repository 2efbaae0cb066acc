using System.Net;
using Bridge.Admin.Hosting;
using Bridge.Gateway.State;
using OpenTelemetry.Instrumentation.StackExchangeRedis;
using StackExchange.Redis;

namespace Bridge.Admin.Redis;

/// <summary>
/// Watches the shared <see cref="RedisConnection"/> (the gateway's connection type, one per admin process) so the
/// overview can show its state. Connecting starts in the background at startup: a missing Redis never blocks the UI.
/// </summary>
public sealed class RedisStatusMonitor(RedisConnection redis, IServiceProvider services, ILogger<RedisStatusMonitor> logger) : IHostedService
{
    public RedisStatus Status { get; private set; } = new(RedisState.NotConfigured);

    /// <summary>Raised on any change of <see cref="Status"/>, on a thread-pool thread.</summary>
    public event Action? StatusChanged;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (redis.ConnectionString is { } connectionString) _ = WatchAsync(connectionString);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task WatchAsync(string connectionString)
    {
        var endpoint = "(unparsed)";
        try
        {
            endpoint = string.Join(", ", ConfigurationOptions.Parse(connectionString).EndPoints.Select(Describe));
            Publish(new RedisStatus(RedisState.Connecting, endpoint));
            var multiplexer = (await redis.GetAsync())!;
            services.GetService<StackExchangeRedisInstrumentation>()?.AddConnection(multiplexer);
            multiplexer.ConnectionFailed += (_, e) => Publish(new RedisStatus(RedisState.Disconnected, endpoint, e.FailureType.ToString()));
            multiplexer.ConnectionRestored += (_, _) => Publish(new RedisStatus(RedisState.Connected, endpoint));
            Publish(multiplexer.IsConnected
                ? new RedisStatus(RedisState.Connected, endpoint)
                : new RedisStatus(RedisState.Disconnected, endpoint, "not reachable yet; retrying in the background"));
        }
        catch (Exception ex)
        {
            Publish(new RedisStatus(RedisState.Failed, endpoint, ex.GetType().Name));
        }
    }

    private void Publish(RedisStatus status)
    {
        Status = status;
        if (status.State == RedisState.Connected) AdminLog.RedisConnected(logger, status.Endpoint ?? "");
        else if (status.State is RedisState.Disconnected or RedisState.Failed) AdminLog.RedisUnavailable(logger, status.Endpoint ?? "", status.Error ?? "");
        StatusChanged?.Invoke();
    }

    private static string Describe(EndPoint endPoint) => endPoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        IPEndPoint ip => ip.ToString(),
        _ => endPoint.ToString() ?? "?",
    };
}
