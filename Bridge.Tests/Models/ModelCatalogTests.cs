using Bridge.Gateway.Configuration;
using Bridge.Gateway.Models;

namespace Bridge.Tests.Models;

public sealed class ModelCatalogTests
{
    private static ModelCatalog Catalog() => new(ConfigLoader.Parse("""
        model_list:
          - model_name: a
            litellm_params: { model: openai/gpt-4o, api_base: "http://127.0.0.1:9/v1" }
          - model_name: b
            litellm_params: { model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:9/v1" }
        litellm_settings:
          model_alias_map: { from-config: a }
        """, new EnvironmentSource(null, _ => null)));

    [Fact]
    public void AdminAliases_LayOnTopOfConfig_UntilSeeded_ThenReplaceIt()
    {
        var catalog = Catalog();
        Assert.Equal("a", catalog.Resolve("from-config")!.Name);

        catalog.SetAliasOverlay(new Dictionary<string, string> { ["extra"] = "b" });
        Assert.Equal("a", catalog.Resolve("from-config")!.Name);
        Assert.Equal("b", catalog.Resolve("extra")!.Name);

        // The admin seeded its map from the config and then deleted 'from-config'.
        catalog.SetAliasOverlay(new Dictionary<string, string> { ["extra"] = "b" }, isWholeMap: true);
        Assert.Null(catalog.Resolve("from-config"));
        Assert.DoesNotContain("from-config", catalog.PublicNames());
        Assert.Equal("b", catalog.Resolve("extra")!.Name);
        Assert.Equal("a", catalog.Resolve("a")!.Name); // group names always resolve
    }
}
