using System.Text.Json.Nodes;
using Bridge.Admin.Components.Models;
using Bridge.Admin.Stores;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Models.Stored;

namespace Bridge.Tests.Admin;

/// <summary>
/// The Deployments page's editor for runtime deployments: it checks an entry exactly as the gateway loads it (the
/// config loader's own message), and never needs a stored secret back in the form to keep it.
/// </summary>
public sealed class DeploymentFormTests
{
    private static readonly ModelSecrets Secrets = new(null, "sk-form-test-master-key");
    private static readonly EnvironmentSource Env = new(null, _ => null);

    private static StoredModel Stored(JsonObject litellm) => new()
    {
        Id = "model_abc", ModelName = "stored", LitellmParams = litellm, CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public void UnknownProvider_IsRefusedWithTheConfigLoadersMessage()
    {
        var form = new DeploymentForm { ModelName = "m", Model = "azur/gpt-4o", ApiKey = "sk-x" };
        var ex = Assert.Throws<FieldValidationException>(() => form.ToParams(null, Secrets, Env));
        Assert.Contains("unknown provider 'azur'", ex.Message);
    }

    [Theory]
    [InlineData("", "openai/gpt-4o", "", "model_name")]
    [InlineData("m", "", "", "model")]
    [InlineData("m", "openai/gpt-4o", "{\"api_key\": \"x\"}", "extra")]
    [InlineData("m", "openai/gpt-4o", "[1]", "extra")]
    [InlineData("m", "openai/gpt-4o", "{not json", "extra")]
    public void MissingOrMisplacedFields_NameTheField(string name, string model, string extra, string field)
    {
        var form = new DeploymentForm { ModelName = name, Model = model, Extra = extra };
        Assert.Equal(field, Assert.Throws<FieldValidationException>(() => form.ToParams(null, Secrets, Env)).Field);
    }

    [Theory]
    [InlineData("0", "rpm")]
    [InlineData("ten", "rpm")]
    public void Limits_MustBeWholeNumbersAboveZero(string rpm, string field)
    {
        var form = new DeploymentForm { ModelName = "m", Model = "openai/gpt-4o", Rpm = rpm };
        Assert.Equal(field, Assert.Throws<FieldValidationException>(() => form.ToParams(null, Secrets, Env)).Field);
    }

    [Fact]
    public void Edit_WithAnEmptyKey_KeepsTheSealedKey_AndShowsNoSecret()
    {
        var sealedKey = Secrets.Seal("sk-upstream-secret");
        var sealedSecret = Secrets.Seal("aws-secret");
        var stored = Stored(new JsonObject
        {
            ["model"] = "openai/gpt-4o", ["api_key"] = sealedKey, ["aws_secret_access_key"] = sealedSecret, ["timeout"] = 30,
        });
        var form = DeploymentForm.From(stored);
        Assert.Equal("", form.ApiKey);
        Assert.True(form.HasStoredKey);
        Assert.DoesNotContain("bridge-enc", form.Extra);
        Assert.Contains(DeploymentForm.Mask, form.Extra);

        form.Rpm = "60";
        var saved = form.ToParams(stored, Secrets, Env);
        Assert.Equal(sealedKey, (string?)saved["api_key"]);
        Assert.Equal(sealedSecret, (string?)saved["aws_secret_access_key"]);
        Assert.Equal(60, (long?)saved["rpm"]);
        Assert.Equal(30, (int?)saved["timeout"]);
    }

    [Fact]
    public void Edit_WithANewKey_ReplacesIt_AndAKeyThatNoLongerOpensMustBeTypedAgain()
    {
        var other = new ModelSecrets(null, "another-master-key-entirely");
        var stored = Stored(new JsonObject { ["model"] = "openai/gpt-4o", ["api_key"] = other.Seal("sk-old") });
        var form = DeploymentForm.From(stored);
        var ex = Assert.Throws<FieldValidationException>(() => form.ToParams(stored, Secrets, Env));
        Assert.Equal("api_key", ex.Field);
        Assert.Contains("cannot be decrypted", ex.Message);

        form.ApiKey = "sk-new";
        Assert.Equal("sk-new", (string?)form.ToParams(stored, Secrets, Env)["api_key"]);
    }

    [Fact]
    public void APriceInModelInfo_IsTheOneShown_AndTheFormsPriceReplacesIt()
    {
        // /model/new may put prices in model_info, where they win over litellm_params in the gateway.
        var stored = Stored(new JsonObject { ["model"] = "openai/gpt-4o", ["input_cost_per_token"] = 0.000001m }) with
        {
            ModelInfo = new JsonObject { ["input_cost_per_token"] = 0.000003m, ["base_model"] = "gpt-4o" },
        };
        var form = DeploymentForm.From(stored);
        Assert.Equal("0.000003", form.InputCostPerToken);

        form.InputCostPerToken = "0.000005";
        var (litellm, info) = form.ToEntry(stored, Secrets, Env);
        Assert.Equal(0.000005m, (decimal?)litellm["input_cost_per_token"]);
        Assert.False(info.ContainsKey("input_cost_per_token"));
        Assert.Equal("gpt-4o", (string?)info["base_model"]);
    }
}
