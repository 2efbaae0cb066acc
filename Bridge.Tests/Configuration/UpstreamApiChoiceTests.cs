using Bridge.Gateway.Configuration;

namespace Bridge.Tests.Configuration;

/// <summary>Which API each deployment is called with: LiteLLM's markers first, then the models known to need Responses.</summary>
public class UpstreamApiChoiceTests
{
    private static ModelDeployment Load(string model, string modelInfo = "")
    {
        var yaml = $$"""
            model_list:
              - model_name: m
                litellm_params: { model: "{{model}}", api_base: "https://example.test/v1", api_key: k }
                {{(modelInfo.Length > 0 ? "model_info: { " + modelInfo + " }" : "")}}
            """;
        var config = ConfigLoader.Parse(yaml, new EnvironmentSource(null, _ => null));
        Assert.Empty(config.Warnings);
        return config.Deployments.Single();
    }

    [Theory]
    [InlineData("azure/responses/my-gpt", "my-gpt")]
    [InlineData("openai/responses/gpt-4.1", "gpt-4.1")]
    public void ResponsesSegment_SelectsResponses_AndIsNotPartOfTheModelSent(string model, string sent)
    {
        var deployment = Load(model);
        Assert.Equal(UpstreamApi.Responses, deployment.Api);
        Assert.Equal(sent, deployment.UpstreamModel);
        Assert.Contains("responses/", deployment.ApiReason);
    }

    [Fact]
    public void ModelInfoMode_Decides_BothWays()
    {
        Assert.Equal(UpstreamApi.Responses, Load("openai/gpt-4o", "mode: responses").Api);
        // An explicit chat wins over the guess for a model that would otherwise go to Responses.
        Assert.Equal(UpstreamApi.ChatCompletions, Load("openai/gpt-5.6", "mode: chat").Api);
    }

    [Theory]
    [InlineData("openai/gpt-5.4", UpstreamApi.Responses)]
    [InlineData("openai/gpt-5.6-mini", UpstreamApi.Responses)]
    [InlineData("azure/gpt-5.10", UpstreamApi.Responses)]
    [InlineData("openai/gpt-6", UpstreamApi.Responses)]
    [InlineData("openai/gpt-5.1-codex", UpstreamApi.Responses)]
    [InlineData("openai/gpt-5.3", UpstreamApi.ChatCompletions)]
    [InlineData("openai/gpt-5", UpstreamApi.ChatCompletions)]
    [InlineData("azure/gpt-5.2-chat", UpstreamApi.ChatCompletions)]
    [InlineData("azure/gpt-5.4-chat", UpstreamApi.ChatCompletions)]
    [InlineData("openai/gpt-4o", UpstreamApi.ChatCompletions)]
    [InlineData("openai/gpt-oss-120b", UpstreamApi.ChatCompletions)]
    [InlineData("ollama/gpt-5.4", UpstreamApi.ChatCompletions)]
    [InlineData("anthropic/claude-sonnet-4-5", UpstreamApi.AnthropicMessages)]
    public void WithoutMarkers_TheModelsThatNeedResponsesGetIt(string model, UpstreamApi expected) =>
        Assert.Equal(expected, Load(model).Api);

    [Fact]
    public void AnAzureDeploymentName_IsJudgedByItsBaseModel()
    {
        Assert.Equal(UpstreamApi.ChatCompletions, Load("azure/team-prod").Api);
        var deployment = Load("azure/team-prod", "base_model: gpt-5.5");
        Assert.Equal(UpstreamApi.Responses, deployment.Api);
        Assert.Equal("team-prod", deployment.UpstreamModel);
    }
}
