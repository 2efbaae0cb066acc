using Bridge.Gateway.State;
using Bridge.Tests.Admin;
using Bridge.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.State;

public sealed class RedisConnectionOptionsTests
{
    [Fact]
    public void Defaults_FailFast()
    {
        var options = RedisConnection.Options("127.0.0.1:6379");

        Assert.Equal((2000, 2000, 2000, false), (options.ConnectTimeout, options.SyncTimeout, options.AsyncTimeout, options.AbortOnConnectFail));
    }

    [Fact]
    public void TimeoutsInTheConnectionString_Win()
    {
        var options = RedisConnection.Options("cache.example.net:6380,ssl=true,AsyncTimeout=8000,syncTimeout=9000,abortConnect=true");

        Assert.Equal((8000, 9000, 2000, true), (options.AsyncTimeout, options.SyncTimeout, options.ConnectTimeout, options.AbortOnConnectFail));
        Assert.True(options.Ssl);
    }

    [Fact]
    public async Task TheAdminWaitsLongerThanTheGateway()
    {
        using var garnet = new GarnetInstance();
        var redis = new Dictionary<string, string?> { ["ConnectionStrings:redis"] = garnet.ConnectionString };
        await using var admin = await AdminHost.StartAsync(settings: redis);
        await using var gateway = await GatewayHost.StartAsync($$"""
            model_list:
              - model_name: m
                litellm_params: {model: openai/m, api_base: "http://127.0.0.1:9/v1", api_key: k}
            general_settings: {master_key: {{GatewayHost.MasterKey}}}
            """, redis);

        var adminRedis = (await admin.Services.GetRequiredService<RedisConnection>().GetAsync())!;
        var gatewayRedis = (await gateway.Services.GetRequiredService<RedisConnection>().GetAsync())!;

        Assert.Equal((5000, 2000), (adminRedis.TimeoutMilliseconds, gatewayRedis.TimeoutMilliseconds));
    }
}
