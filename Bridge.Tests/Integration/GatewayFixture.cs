using Bridge.Tests.Infrastructure;

namespace Bridge.Tests.Integration;

/// <summary>
/// One gateway in front of a fake Azure and a fake OpenAI (real HTTP servers on loopback), configured
/// like the seed's config.yaml. Shared by a test class; each test scripts the upstream it needs.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public const string AzureKey = "azure-secret-key-123";
    public const string OpenAIKey = "sk-openai-upstream-456";

    public FakeUpstream Azure { get; private set; } = null!;
    public FakeUpstream OpenAI { get; private set; } = null!;
    public GatewayHost Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Azure = await FakeUpstream.StartAsync();
        OpenAI = await FakeUpstream.StartAsync();
        var config = $"""
            model_list:
              - model_name: gpt-5.2-chat
                litellm_params:
                  model: azure/gpt-5.2-chat
                  api_base: {Azure.BaseUrl}/
                  api_key: os.environ/TEST_AZURE_KEY
                  api_version: "2024-12-01-preview"
                  temperature: 1
                  timeout: 30
                model_info:
                  max_tokens: 16384
              - model_name: gpt-4o
                litellm_params:
                  model: openai/gpt-4o
                  api_base: {OpenAI.BaseUrl}/v1
                  api_key: {OpenAIKey}
              - model_name: needs-secret
                litellm_params:
                  model: azure/other
                  api_base: {Azure.BaseUrl}
                  api_key: os.environ/BRIDGE_TEST_UNSET_VARIABLE
            litellm_settings:
              drop_params: true
              additional_drop_params: ["thinking", "output_config"]
              model_alias_map:
                claude-haiku-4-5-20251001: gpt-5.2-chat
                claude-sonnet-4-5-20250929: gpt-5.2-chat
                claude-opus-4-8: gpt-4o
                claude-sonnet-5: gpt-4o
              callbacks: ["strip_params_hook.strip_params_hook"]
            general_settings:
              master_key: {GatewayHost.MasterKey}
            """;
        Gateway = await GatewayHost.StartAsync(config, new Dictionary<string, string?>
        {
            ["TEST_AZURE_KEY"] = AzureKey,
            ["Bridge:MaxRequestBodyBytes"] = "1048576",
        });
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Azure.DisposeAsync();
        await OpenAI.DisposeAsync();
    }
}
