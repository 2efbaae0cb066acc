using Bridge.Gateway.Configuration;
using Bridge.Gateway.Upstream;

namespace Bridge.Tests.Upstream;

/// <summary>Where a Responses deployment's requests go, for OpenAI and both of Azure's forms.</summary>
public class ResponsesEndpointTests
{
    private static ModelDeployment Load(string litellmParams)
    {
        var config = ConfigLoader.Parse($$"""
            model_list:
              - model_name: m
                litellm_params: { {{litellmParams}}, api_key: k }
            """, new EnvironmentSource(null, _ => null));
        return config.Deployments.Single();
    }

    [Theory]
    [InlineData("model: openai/responses/gpt-5.5", "https://api.openai.com/v1/responses")]
    [InlineData("model: openai/gpt-5.5, api_base: 'http://127.0.0.1:9/v1'", "http://127.0.0.1:9/v1/responses")]
    // Azure v1: the deployment name goes in the body.
    [InlineData("model: azure/responses/team-gpt, api_base: 'https://r.openai.azure.com/openai/v1'", "https://r.openai.azure.com/openai/v1/responses")]
    [InlineData("model: azure/responses/team-gpt, api_base: 'https://r.openai.azure.com', api_version: preview", "https://r.openai.azure.com/openai/v1/responses?api-version=preview")]
    // Azure classic: Responses needs an api-version from 2025-03-01-preview on; an older (chat-era) one is replaced.
    [InlineData("model: azure/responses/team-gpt, api_base: 'https://r.openai.azure.com', api_version: '2024-12-01-preview'", "https://r.openai.azure.com/openai/responses?api-version=2025-04-01-preview")]
    [InlineData("model: azure/responses/team-gpt, api_base: 'https://r.openai.azure.com', api_version: '2025-04-01-preview'", "https://r.openai.azure.com/openai/responses?api-version=2025-04-01-preview")]
    public void ResponsesUrl(string litellmParams, string expected)
    {
        var deployment = Load(litellmParams);
        Assert.Equal(UpstreamApi.Responses, deployment.Api);
        Assert.Equal(expected, UpstreamEndpoints.Responses(deployment).ToString());
    }

    [Fact]
    public void AzureBodyModel_IsTheDeploymentName() =>
        Assert.Equal("team-gpt", UpstreamEndpoints.BodyModel(Load("model: azure/responses/team-gpt, api_base: 'https://r.openai.azure.com'")));
}
