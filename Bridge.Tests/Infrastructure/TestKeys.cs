using Bridge.Gateway.Auth;
using Bridge.Gateway.State;
using StackExchange.Redis;

namespace Bridge.Tests.Infrastructure;

/// <summary>Writes virtual keys exactly as docs/redis-contract.md says, for gateway-side tests.</summary>
public static class TestKeys
{
    public static async Task<string> CreateAsync(IDatabase db, Func<VirtualKeyRecord, VirtualKeyRecord>? shape = null)
    {
        var value = "sk-test" + Guid.NewGuid().ToString("N");
        var record = new VirtualKeyRecord
        {
            Id = "key_" + Guid.NewGuid().ToString("N")[..10],
            Name = "test key",
            KeyPrefix = value[..7] + "...",
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
            BudgetAnchor = DateTimeOffset.UtcNow.AddMinutes(-1),
        };
        record = shape?.Invoke(record) ?? record;
        await db.StringSetAsync(RedisKeys.VirtualKey(SecretComparer.Hash(value)), StateJson.Serialize(record));
        await db.StringSetAsync(RedisKeys.VirtualKeyById(record.Id), SecretComparer.Hash(value));
        return value;
    }

    public static async Task RevokeAsync(IConnectionMultiplexer redis, string value)
    {
        var hash = SecretComparer.Hash(value);
        await redis.GetDatabase().KeyDeleteAsync(RedisKeys.VirtualKey(hash));
        await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(RedisKeys.Events), RedisKeys.EventMessages.VirtualKeyChanged(hash));
    }

    public static async Task<VirtualKeyRecord> ReadAsync(IDatabase db, string value) =>
        StateJson.Deserialize<VirtualKeyRecord>((await db.StringGetAsync(RedisKeys.VirtualKey(SecretComparer.Hash(value))))!)!;
}
