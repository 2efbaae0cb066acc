using Bridge.Tests.Infrastructure;

namespace Bridge.Tests.Governance;

/// <summary>A deployment with no price anywhere costs $0, so budgets never bind on it: startup says which.</summary>
public sealed class UnpricedDeploymentWarningTests
{
    [Fact]
    public async Task Startup_NamesDeploymentsWithoutAnyPrice()
    {
        await using var gateway = await GatewayProcess.StartAsync($"""
            model_list:
              - model_name: local-llama
                litellm_params:
                  model: openai/llama-3.1-8b
                  api_base: http://127.0.0.1:9/v1
                  api_key: k
              - model_name: gpt-4o
                litellm_params:
                  model: openai/gpt-4o
                  api_key: k
              - model_name: priced-llama
                litellm_params:
                  model: openai/llama-3.1-70b
                  api_base: http://127.0.0.1:9/v1
                  api_key: k
                model_info:
                  input_cost_per_token: 0.000001
                  output_cost_per_token: 0.000002
            general_settings:
              master_key: {GatewayHost.MasterKey}
            """, redis: null);

        var warning = gateway.Output.Split('\n').Single(l => l.Contains("No price for deployment"));
        Assert.Contains("local-llama#0", warning);
        Assert.DoesNotContain("gpt-4o", warning); // a built-in list price
        Assert.DoesNotContain("priced-llama", warning); // its own model_info price
    }
}
