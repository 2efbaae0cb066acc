using Bridge.Gateway.Models.Stored;
using Bridge.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Admin;

/// <summary>
/// The admin and the gateway seal runtime deployments' secrets with the same key, from the same settings
/// (<c>Bridge:ModelSecretsKey</c>, else the config's master key): what one seals, the other opens.
/// </summary>
public sealed class AdminModelSecretsTests
{
    private const string Yaml = $"""
        model_list:
          - model_name: m
            litellm_params:
              model: openai/gpt-4o
              api_key: sk-file
        general_settings:
          master_key: {GatewayHost.MasterKey}
        """;

    [Theory]
    [InlineData(null)]
    [InlineData("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")]
    public async Task ASecretSealedByTheAdmin_OpensInTheGateway_AndTheOtherWayRound(string? secretsKey)
    {
        using var garnet = new GarnetInstance();
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:redis"] = garnet.ConnectionString, ["Bridge:ModelSecretsKey"] = secretsKey };
        await using var gateway = await GatewayHost.StartAsync(Yaml, settings);
        await using var admin = await AdminHost.StartAsync(Yaml, settings);
        var inGateway = gateway.Services.GetRequiredService<StoredModelStore>().Secrets;
        var inAdmin = admin.Services.GetRequiredService<StoredModelStore>().Secrets;

        var fromAdmin = inAdmin.Seal("sk-sealed-by-the-admin");
        Assert.True(ModelSecrets.IsSealed(fromAdmin));
        Assert.Equal("sk-sealed-by-the-admin", inGateway.Open(fromAdmin));
        Assert.Equal("sk-sealed-by-the-gateway", inAdmin.Open(inGateway.Seal("sk-sealed-by-the-gateway")));

        // And the key really is the setting (or the master key): another one does not open it.
        Assert.Null(new ModelSecrets(null, "some-other-master-key").Open(fromAdmin));
    }
}
