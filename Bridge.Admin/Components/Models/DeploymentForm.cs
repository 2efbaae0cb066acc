using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Admin.Stores;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Models.Stored;

namespace Bridge.Admin.Components.Models;

/// <summary>
/// The Deployments page's editor for a deployment added at runtime, as text fields a form binds to. <see cref="ToParams"/>
/// builds <c>litellm_params</c> and checks the entry exactly as the gateway will load it
/// (<see cref="ConfigLoader.ParseEntry"/>, secrets opened in memory only), or throws <see cref="FieldValidationException"/>.
/// A secret is never put back into the form: an empty API key, or <c>********</c> in the extra JSON, keeps the stored one.
/// </summary>
public sealed class DeploymentForm
{
    public const string Mask = "********";

    /// <summary>The fields with their own input; the extra JSON may not set them.</summary>
    private static readonly string[] OwnFields = ["model", "api_base", "api_key", "rpm", "tpm", "input_cost_per_token", "output_cost_per_token"];

    public string ModelName { get; set; } = "";
    public string Model { get; set; } = "";
    public string ApiBase { get; set; } = "";
    /// <summary>Empty on edit: typed only to replace the stored key.</summary>
    public string ApiKey { get; set; } = "";
    public string Rpm { get; set; } = "";
    public string Tpm { get; set; } = "";
    public string InputCostPerToken { get; set; } = "";
    public string OutputCostPerToken { get; set; } = "";
    /// <summary>Any other <c>litellm_params</c>, as a JSON object.</summary>
    public string Extra { get; set; } = "";

    /// <summary>True when the stored deployment has an API key (the form says "leave empty to keep it").</summary>
    public bool HasStoredKey { get; private init; }

    public static DeploymentForm From(StoredModel model)
    {
        var p = model.LitellmParams;
        var extra = StoredModelStore.Masked(p);
        foreach (var field in OwnFields) extra.Remove(field);
        return new DeploymentForm
        {
            ModelName = model.ModelName,
            Model = Text(p["model"]),
            ApiBase = Text(p["api_base"]),
            Rpm = Text(p["rpm"]),
            Tpm = Text(p["tpm"]),
            // model_info's price wins in the gateway (as in LiteLLM), so that is the one to show.
            InputCostPerToken = Text(model.ModelInfo["input_cost_per_token"] ?? p["input_cost_per_token"]),
            OutputCostPerToken = Text(model.ModelInfo["output_cost_per_token"] ?? p["output_cost_per_token"]),
            Extra = extra.Count == 0 ? "" : extra.ToJsonString(new JsonSerializerOptions { WriteIndented = true }),
            HasStoredKey = p["api_key"] is not null,
        };
    }

    /// <summary>
    /// <c>litellm_params</c> to store: new secrets in clear (the store seals them), kept ones still sealed. Checked
    /// first with every secret opened, as the gateway will read it; <paramref name="existing"/> is the stored entry on edit.
    /// </summary>
    public JsonObject ToParams(StoredModel? existing, ModelSecrets secrets, EnvironmentSource env) => ToEntry(existing, secrets, env).LitellmParams;

    /// <summary>
    /// As <see cref="ToParams"/>, with the <c>model_info</c> to store: the stored one, less the prices, which the form
    /// now holds in <c>litellm_params</c> (a price left in <c>model_info</c> would win over the form's).
    /// </summary>
    public (JsonObject LitellmParams, JsonObject ModelInfo) ToEntry(StoredModel? existing, ModelSecrets secrets, EnvironmentSource env)
    {
        if (string.IsNullOrWhiteSpace(ModelName)) throw new FieldValidationException("model_name", "model_name: required.");
        if (string.IsNullOrWhiteSpace(Model)) throw new FieldValidationException("model", "litellm_params.model: required, e.g. openai/gpt-4o or azure/my-deployment.");

        var p = ParseExtra();
        foreach (var (key, value) in p.ToList())
        {
            // A masked secret keeps the stored value; any other mask is a mistake, not a key.
            if (value is JsonValue v && v.TryGetValue<string>(out var s) && s == Mask)
            {
                if (existing?.LitellmParams[key] is not { } stored) throw new FieldValidationException("extra", $"litellm_params.{key}: enter the value (there is no stored one to keep).");
                p[key] = stored.DeepClone();
            }
        }
        p["model"] = Model.Trim();
        if (!string.IsNullOrWhiteSpace(ApiBase)) p["api_base"] = ApiBase.Trim();
        if (!string.IsNullOrWhiteSpace(ApiKey)) p["api_key"] = ApiKey.Trim();
        else if (existing?.LitellmParams["api_key"] is { } storedKey) p["api_key"] = storedKey.DeepClone();
        if (Integer("rpm", Rpm) is { } rpm) p["rpm"] = rpm;
        if (Integer("tpm", Tpm) is { } tpm) p["tpm"] = tpm;
        if (Cost("input_cost_per_token", InputCostPerToken) is { } input) p["input_cost_per_token"] = input;
        if (Cost("output_cost_per_token", OutputCostPerToken) is { } output) p["output_cost_per_token"] = output;

        var info = existing is null ? [] : (JsonObject)existing.ModelInfo.DeepClone();
        info.Remove("input_cost_per_token");
        info.Remove("output_cost_per_token");

        Check(ModelName.Trim(), p, info, existing, secrets, env);
        return (p, info);
    }

    /// <summary>Loads the entry as the gateway will, with sealed secrets opened in this copy only.</summary>
    private static void Check(string modelName, JsonObject p, JsonObject info, StoredModel? existing, ModelSecrets secrets, EnvironmentSource env)
    {
        var opened = (JsonObject)p.DeepClone();
        foreach (var key in ModelSecrets.SecretParams)
        {
            if (opened[key] is not JsonValue value || !value.TryGetValue<string>(out var text) || !ModelSecrets.IsSealed(text)) continue;
            opened[key] = secrets.Open(text) ?? throw new FieldValidationException(key == "api_key" ? "api_key" : "extra",
                $"litellm_params.{key}: the stored value cannot be decrypted (Bridge:ModelSecretsKey or the master key changed since it was stored); enter it again.");
        }
        var probe = new StoredModel { Id = existing?.Id ?? "new", ModelName = modelName, LitellmParams = opened, ModelInfo = info };
        try
        {
            ConfigLoader.ParseEntry(probe.ToModelListEntry(), "model", env, []);
        }
        catch (ConfigException ex)
        {
            throw new FieldValidationException("litellm_params", ex.Message);
        }
    }

    private JsonObject ParseExtra()
    {
        if (string.IsNullOrWhiteSpace(Extra)) return [];
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(Extra);
        }
        catch (JsonException ex)
        {
            throw new FieldValidationException("extra", $"Other litellm_params: not valid JSON ({ex.Message})");
        }
        if (node is not JsonObject extra) throw new FieldValidationException("extra", "Other litellm_params: must be a JSON object, e.g. {\"api_version\": \"2024-10-21\"}.");
        if (OwnFields.FirstOrDefault(extra.ContainsKey) is { } own)
        {
            throw new FieldValidationException("extra", $"Other litellm_params: set {own} in its own field above.");
        }
        return extra;
    }

    private static long? Integer(string field, string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        return long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new FieldValidationException(field, $"litellm_params.{field}: a whole number above zero, or empty for no limit.");
    }

    private static decimal? Cost(string field, string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        return decimal.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new FieldValidationException(field, $"litellm_params.{field}: US dollars per token, e.g. 0.0000025.");
    }

    private static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };
}
