using Bridge.Admin.Catalog;
using Bridge.Gateway.Configuration;

namespace Bridge.Tests.Admin;

/// <summary>The admin's Deployments page lists each provider of the table by its prefix, with the host it calls.</summary>
public sealed class DeploymentsProviderTests
{
    [Fact]
    public async Task FamilyProviders_ShowTheirNameAndDefaultHost()
    {
        var config = ConfigLoader.Parse("""
            model_list:
              - model_name: fast
                litellm_params: { model: groq/llama-3.3-70b-versatile, api_key: g }
              - model_name: router
                litellm_params: { model: openrouter/anthropic/claude-sonnet-4.5, api_key: o }
              - model_name: "gemini/*"
                litellm_params: { model: "gemini/*", api_key: k }
              - model_name: local
                litellm_params: { model: hosted_vllm/Qwen/Qwen3-8B, api_base: "http://10.0.0.5:8000/v1" }
            """, new EnvironmentSource(null, _ => null));

        var entries = await new ConfigModelCatalog(config).ListAsync();

        Assert.Equal(["groq", "openrouter", "gemini", "hosted_vllm"], entries.Select(e => e.Provider));
        Assert.Equal(["api.groq.com", "openrouter.ai", "generativelanguage.googleapis.com", "10.0.0.5:8000"], entries.Select(e => e.ApiHost));
        Assert.Equal("gemini/*", entries[2].ModelName);
    }
}
