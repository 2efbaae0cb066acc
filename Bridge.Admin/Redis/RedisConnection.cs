using System.Net;
using Bridge.Admin.Hosting;
using OpenTelemetry.Instrumentation.StackExchangeRedis;
using StackExchange.Redis;

namespace Bridge.Admin.Redis;

/// <summary>
/// The admin's one Redis connection, opened in the background at startup so a missing Redis never blocks the
/// UI. Stores added later take <see cref="Multiplexer"/>; the overview watches <see cref="Status"/>.
/// </summary>
public sealed class RedisConnection(IConfiguration configuration, IServiceProvider services, ILogger<RedisConnection> logger)
    : IHostedService, IAsyncDisposable
{
    private readonly string? _connectionString = configuration.GetConnectionString("redis") is { Length: > 0 } cs ? cs : null;
    private ConnectionMultiplexer? _multiplexer;

    public bool IsConfigured => _connectionString is not null;
    public RedisStatus Status { get; private set; } = new(RedisState.NotConfigured);
    public IConnectionMultiplexer? Multiplexer => _multiplexer;

    /// <summary>Raised on any change of <see cref="Status"/>, on a thread-pool thread.</summary>
    public event Action? StatusChanged;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_connectionString is null) return Task.CompletedTask;
        _ = ConnectAsync(_connectionString);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task ConnectAsync(string connectionString)
    {
        var endpoint = "(unparsed)";
        try
        {
            var options = ConfigurationOptions.Parse(connectionString);
            options.AbortOnConnectFail = false;
            endpoint = string.Join(", ", options.EndPoints.Select(Describe));
            Publish(new RedisStatus(RedisState.Connecting, endpoint));

            var multiplexer = await ConnectionMultiplexer.ConnectAsync(options);
            _multiplexer = multiplexer;
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

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer is not null) await _multiplexer.DisposeAsync();
    }
}
