using Bridge.Gateway.Configuration;
using Bridge.Gateway.Hosting;
using Bridge.Tests.Infrastructure;

namespace Bridge.Tests.Configuration;

public sealed class GatewayStartupTests
{
    private const string NoKeyConfig = """
        model_list:
          - model_name: bridge-echo
            litellm_params:
              model: bridge/echo
        """;

    [Fact]
    public async Task NoMasterKey_RefusesToStart_UnlessAllowNoAuth()
    {
        if (Environment.GetEnvironmentVariable("BRIDGE_MASTER_KEY") is not null || Environment.GetEnvironmentVariable("LITELLM_MASTER_KEY") is not null)
        {
            return; // the environment supplies a key, so this situation cannot arise in this process
        }

        var ex = await Assert.ThrowsAsync<ConfigException>(() => GatewayHost.StartAsync(NoKeyConfig));
        Assert.Contains("no master key configured", ex.Message);

        await using var open = await GatewayHost.StartAsync(NoKeyConfig, extraArgs: "--allow-no-auth");
        using var client = open.CreateClient(key: null);
        using var response = await client.PostAsync("/v1/messages", new StringContent("""{"model":"bridge-echo","max_tokens":5,"messages":[{"role":"user","content":"x"}]}"""));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void ConfigPath_RelativeToShellDirectory_IsFound()
    {
        var dir = Directory.CreateTempSubdirectory("bridge-pwd-").FullName;
        File.WriteAllText(Path.Combine(dir, "my.yaml"), NoKeyConfig);
        var previous = Environment.GetEnvironmentVariable("PWD");
        try
        {
            Environment.SetEnvironmentVariable("PWD", dir);
            Assert.Equal(Path.Combine(dir, "my.yaml"), GatewaySetup.FromInvocationDirectory("my.yaml"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PWD", previous);
        }
    }
}
