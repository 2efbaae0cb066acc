using Bridge.Gateway.State;
using StackExchange.Redis;

namespace Bridge.Admin.Stores;

/// <summary>What every store shares: the connection, and change notices on <c>bridge:events</c>.</summary>
public abstract class RedisStore(RedisConnection redis)
{
    protected async Task<IDatabase> DatabaseAsync() => await redis.DatabaseAsync() ?? throw new StoreUnavailableException();

    /// <summary>Tells every gateway replica to drop or reload what changed (docs/redis-contract.md, "bridge:events").</summary>
    protected static Task PublishAsync(IDatabase db, string message) =>
        db.PublishAsync(RedisChannel.Literal(RedisKeys.Events), message);
}
