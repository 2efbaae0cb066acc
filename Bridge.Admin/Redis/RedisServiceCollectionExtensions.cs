namespace Bridge.Admin.Redis;

public static class RedisServiceCollectionExtensions
{
    /// <summary>Connects to <c>ConnectionStrings:redis</c> when set; the admin works without it.</summary>
    public static IServiceCollection AddAdminRedis(this IServiceCollection services)
    {
        services.AddSingleton<RedisConnection>();
        services.AddHostedService(sp => sp.GetRequiredService<RedisConnection>());
        return services;
    }
}
