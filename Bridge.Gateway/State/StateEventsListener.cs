using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Bridge.Gateway.State;

/// <summary>
/// Subscribes to <c>bridge:events</c> and routes change notices: key changes drop cache entries, alias
/// changes reload the alias map, cooldowns reach the router. Also reloads aliases every 30 s as a backstop
/// for notices missed while disconnected.
/// </summary>
public sealed class StateEventsListener(
    RedisConnection redis,
    KeyDirectory keys,
    AliasDirectory aliases,
    IEnumerable<IStateEventHandler> handlers,
    ILogger<StateEventsListener> logger) : BackgroundService
{
    private static readonly TimeSpan Backstop = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!redis.IsConfigured) return;
        var subscribed = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!subscribed)
                {
                    var multiplexer = (await redis.GetAsync())!;
                    await multiplexer.GetSubscriber().SubscribeAsync(RedisChannel.Literal(RedisKeys.Events), (_, message) => Dispatch((string?)message ?? ""));
                    subscribed = true;
                }
                await aliases.ReloadAsync();
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.LogWarning("Redis not reachable for change notices ({Error}); retrying", ex.GetType().Name);
            }
            try
            {
                await Task.Delay(subscribed ? Backstop : TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Dispatch(string message)
    {
        if (message.StartsWith("vkey:", StringComparison.Ordinal) || message.StartsWith("mkey:", StringComparison.Ordinal))
        {
            keys.Invalidate(message[5..]);
        }
        else if (message == RedisKeys.EventMessages.AliasesChanged)
        {
            _ = aliases.ReloadAsync();
        }
        foreach (var handler in handlers) handler.OnEvent(message);
    }
}

/// <summary>Anything else that wants change notices (e.g. the router's cooldown cache).</summary>
public interface IStateEventHandler
{
    void OnEvent(string message);
}
