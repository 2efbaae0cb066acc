using Bridge.Admin.Stores;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Models.Stored;
using Bridge.Gateway.State;

namespace Bridge.Admin.Redis;

public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// The control plane waits longer than the gateway's hot path: a person saving a key would rather wait a few
    /// seconds than be told to retry a write that may have landed.
    /// </summary>
    public const int ControlPlaneTimeoutMs = 5000;

    /// <summary>
    /// One <see cref="RedisConnection"/> for <c>ConnectionStrings:redis</c> (the same type the gateway uses), the
    /// status monitor, and the control plane's stores. Without a connection string the admin runs read-only from config.
    /// </summary>
    public static IServiceCollection AddAdminRedis(this IServiceCollection services)
    {
        services.AddSingleton(sp => new RedisConnection(
            sp.GetRequiredService<IConfiguration>().GetConnectionString("redis"), sp.GetRequiredService<ILogger<RedisConnection>>(),
            defaultTimeoutMs: ControlPlaneTimeoutMs));
        services.AddSingleton<RedisStatusMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<RedisStatusMonitor>());

        services.AddSingleton<VirtualKeyStore>();
        services.AddSingleton<MasterKeyStore>();
        services.AddSingleton<AliasStore>();
        // The gateway's own store and key (Bridge:ModelSecretsKey, else the config's master key): what the admin seals, every replica opens.
        services.AddSingleton(sp => new StoredModelStore(() => sp.GetRequiredService<RedisConnection>().DatabaseAsync(),
            ModelSecrets.From(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<BridgeConfig>().MasterKey), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<UsageReader>();
        services.AddHostedService<AliasSeeder>();
        return services;
    }
}
