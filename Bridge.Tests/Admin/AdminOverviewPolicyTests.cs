using Bridge.Tests.Infrastructure;

namespace Bridge.Tests.Admin;

/// <summary>The overview says which policy the gateway applies to key limits while Redis is down.</summary>
public sealed class AdminOverviewPolicyTests
{
    [Fact]
    public async Task Overview_ShowsTheGatewaysRedisDownPolicy()
    {
        await using var gateway = await GatewayHost.StartAsync($"""
            general_settings:
              master_key: {AdminHost.MasterKey}
            """, new Dictionary<string, string?> { ["Bridge:LimitsWhenRedisDown"] = "deny" });
        await using var host = await AdminHost.StartAsync(settings: [new("Bridge:GatewayUrl", gateway.BaseUrl)]);
        using var client = host.CreateClient();
        await AdminHost.SignInAsync(client, AdminHost.MasterKey);

        var overview = await client.GetStringAsync("");

        Assert.Contains("Key limits while Redis is down", overview);
        Assert.Contains("deny: keys with limits are refused", overview);
    }
}
