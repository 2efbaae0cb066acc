using Bridge.Admin.Stores;
using Bridge.Gateway.State;
using StackExchange.Redis;

namespace Bridge.Admin.Redis;

/// <summary>Copies the config's aliases into Redis once Redis is reachable (only the first admin ever does).</summary>
public sealed class AliasSeeder(RedisConnection redis, AliasStore aliases) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!redis.IsConfigured) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await aliases.EnsureSeededAsync(stoppingToken);
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}
