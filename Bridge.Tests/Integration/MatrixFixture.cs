using Bridge.Tests.Infrastructure;

namespace Bridge.Tests.Integration;

/// <summary>
/// A gateway in front of a fake OpenAI and a fake Anthropic upstream, for the client x backend matrix:
/// <c>gpt-4o</c> is served by OpenAI, <c>claude-native</c> (alias <c>claude-sonnet-4-5-20250929</c>) by Anthropic.
/// </summary>
public sealed class MatrixFixture : IAsyncLifetime
{
    public const string OpenAIModel = "gpt-4o";
    public const string AnthropicModel = "claude-native";
    public const string AnthropicUpstreamKey = "sk-ant-upstream-789";

    public FakeUpstream OpenAI { get; private set; } = null!;
    public FakeUpstream Anthropic { get; private set; } = null!;
    public GatewayHost Gateway { get; private set; } = null!;

    public FakeUpstream UpstreamFor(string model) => model == AnthropicModel ? Anthropic : OpenAI;

    public async Task InitializeAsync()
    {
        OpenAI = await FakeUpstream.StartAsync();
        Anthropic = await FakeUpstream.StartAsync();
        Gateway = await GatewayHost.StartAsync($"""
            model_list:
              - model_name: {OpenAIModel}
                litellm_params:
                  model: openai/gpt-4o
                  api_base: {OpenAI.BaseUrl}/v1
                  api_key: sk-openai-upstream
              - model_name: {AnthropicModel}
                litellm_params:
                  model: anthropic/claude-sonnet-4-5-20250929
                  api_base: {Anthropic.BaseUrl}
                  api_key: {AnthropicUpstreamKey}
            litellm_settings:
              drop_params: true
              model_alias_map:
                claude-sonnet-4-5-20250929: {AnthropicModel}
            general_settings:
              master_key: {GatewayHost.MasterKey}
            """);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await OpenAI.DisposeAsync();
        await Anthropic.DisposeAsync();
    }
}
