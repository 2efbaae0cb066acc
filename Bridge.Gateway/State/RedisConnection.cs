using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Bridge.Gateway.State;

/// <summary>
/// The shared Redis connection, or none when <c>ConnectionStrings:redis</c> is empty. Connecting never
/// blocks startup and never throws: StackExchange.Redis keeps retrying in the background, and callers treat
/// a <see cref="RedisException"/> as "Redis is briefly unavailable".
/// </summary>
public sealed class RedisConnection : IAsyncDisposable
{
    private readonly Lazy<Task<IConnectionMultiplexer?>> _connect;

    /// <summary>The gateway's default: a Redis outage should cost a request on the hot path little.</summary>
    public const int HotPathTimeoutMs = 2000;

    /// <param name="defaultTimeoutMs">Connect and command timeout unless the connection string sets its own.</param>
    public RedisConnection(string? connectionString, ILogger<RedisConnection> logger, Action<IConnectionMultiplexer>? onConnected = null,
        int defaultTimeoutMs = HotPathTimeoutMs)
    {
        ConnectionString = string.IsNullOrWhiteSpace(connectionString) ? null : connectionString;
        _connect = new Lazy<Task<IConnectionMultiplexer?>>(async () =>
        {
            if (ConnectionString is null) return null;
            var multiplexer = await ConnectionMultiplexer.ConnectAsync(Options(ConnectionString, defaultTimeoutMs));
            multiplexer.ConnectionFailed += (_, e) => logger.LogWarning("Redis connection lost ({FailureType}); retrying", e.FailureType);
            multiplexer.ConnectionRestored += (_, e) => logger.LogInformation("Redis connection restored");
            onConnected?.Invoke(multiplexer);
            return multiplexer;
        });
    }

    public string? ConnectionString { get; }

    /// <summary>
    /// The connection options: <paramref name="defaultTimeoutMs"/> for connecting and for each command, but
    /// timeouts written in the connection string (<c>connectTimeout</c>, <c>syncTimeout</c>, <c>asyncTimeout</c>,
    /// <c>connectRetry</c>, <c>abortConnect</c>) win, for a Redis that is far away.
    /// </summary>
    public static ConfigurationOptions Options(string connectionString, int defaultTimeoutMs = HotPathTimeoutMs)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        var given = connectionString.Split(',').Select(part => part.Split('=', 2)[0].Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (!given.Contains("abortConnect")) options.AbortOnConnectFail = false;
        if (!given.Contains("connectRetry")) options.ConnectRetry = 3;
        if (!given.Contains("connectTimeout")) options.ConnectTimeout = defaultTimeoutMs;
        if (!given.Contains("syncTimeout")) options.SyncTimeout = defaultTimeoutMs;
        if (!given.Contains("asyncTimeout")) options.AsyncTimeout = defaultTimeoutMs;
        options.ReconnectRetryPolicy = new LinearRetry(500);
        return options;
    }
    public bool IsConfigured => ConnectionString is not null;

    /// <summary>The multiplexer, or null when no Redis is configured.</summary>
    public Task<IConnectionMultiplexer?> GetAsync() => _connect.Value;

    public async Task<IDatabase?> DatabaseAsync() => (await GetAsync())?.GetDatabase();

    public async ValueTask DisposeAsync()
    {
        if (_connect.IsValueCreated && await _connect.Value is { } multiplexer) await multiplexer.DisposeAsync();
    }
}
