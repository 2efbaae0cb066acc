using Bridge.Admin.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Admin;

public sealed class AdminStartupTests
{
    [Fact]
    public async Task NoMasterKey_RefusesToStart_WithOneSentence()
    {
        const string yaml = """
            model_list:
              - model_name: m
                litellm_params:
                  model: openai/gpt-4o
            general_settings:
              master_key: os.environ/BRIDGE_ADMIN_TEST_NO_SUCH_KEY_VAR
            """;
        var previous = (Environment.GetEnvironmentVariable("BRIDGE_MASTER_KEY"), Environment.GetEnvironmentVariable("LITELLM_MASTER_KEY"));
        if (previous != (null, null)) return; // the environment supplies a key; this case cannot arise here

        var ex = await ThrowsConfigExceptionAsync(() => AdminHost.StartAsync(yaml));

        Assert.Contains("no master key", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    private static Task<Bridge.Gateway.Configuration.ConfigException> ThrowsConfigExceptionAsync(Func<Task> start) =>
        Assert.ThrowsAsync<Bridge.Gateway.Configuration.ConfigException>(start);

    [Fact]
    public async Task InvalidYaml_RefusesToStart_NamingTheLine()
    {
        var ex = await ThrowsConfigExceptionAsync(() => AdminHost.StartAsync("model_list: [\n  - {"));

        Assert.Contains("line", ex.Message);
    }

    [Fact]
    public async Task MasterKeyFromSettings_IsUsed_WhenConfigHasNone()
    {
        const string yaml = """
            model_list:
              - model_name: m
                litellm_params:
                  model: openai/gpt-4o
            """;
        await using var host = await AdminHost.StartAsync(yaml, [new("BRIDGE_MASTER_KEY", "sk-from-settings")]);
        using var client = host.CreateClient();

        using var signedIn = await AdminHost.SignInAsync(client, "sk-from-settings");

        Assert.Equal("/", signedIn.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task TrustedProxies_AreTheOnlyOnesTrusted_OneHopByDefault_AndANonAddressRefusesToStart()
    {
        await using (var host = await AdminHost.StartAsync(settings: [new("Bridge:TrustedProxies", "10.0.0.5, 172.16.0.0/12")]))
        {
            var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>>().Value;
            Assert.Contains(System.Net.IPAddress.Parse("10.0.0.5"), options.KnownProxies);
            Assert.Contains(System.Net.IPNetwork.Parse("172.16.0.0/12"), options.KnownIPNetworks);
            Assert.DoesNotContain(options.KnownIPNetworks, n => n.Contains(System.Net.IPAddress.Loopback));
            Assert.DoesNotContain(System.Net.IPAddress.IPv6Loopback, options.KnownProxies);
            Assert.Equal(1, options.ForwardLimit);
        }
        await using (var host = await AdminHost.StartAsync(settings: [new("Bridge:TrustedProxies", "10.0.0.5"), new("Bridge:TrustedProxyHops", "2")]))
        {
            var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>>().Value;
            Assert.Equal(2, options.ForwardLimit);
        }

        var ex = await ThrowsConfigExceptionAsync(() => AdminHost.StartAsync(settings: [new("Bridge:TrustedProxies", "10.0.0.5, proxy.internal")]));
        Assert.Contains("Bridge:TrustedProxies", ex.Message);
        Assert.Contains("proxy.internal", ex.Message);
        var hops = await ThrowsConfigExceptionAsync(() => AdminHost.StartAsync(settings: [new("Bridge:TrustedProxies", "10.0.0.5"), new("Bridge:TrustedProxyHops", "0")]));
        Assert.Contains("Bridge:TrustedProxyHops", hops.Message);
    }
}
