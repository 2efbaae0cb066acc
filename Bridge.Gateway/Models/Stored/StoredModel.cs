using System.Text.Json.Nodes;

namespace Bridge.Gateway.Models.Stored;

/// <summary>
/// A deployment added at runtime (the admin or LiteLLM's <c>/model/new</c>), kept in Redis beside <c>config.yaml</c>'s:
/// a <c>model_list</c> entry in LiteLLM's own shape, with its secrets sealed (<see cref="ModelSecrets"/>).
/// </summary>
public sealed record StoredModel
{
    public required string Id { get; init; }
    public required string ModelName { get; init; }
    /// <summary><c>litellm_params</c>, secrets sealed.</summary>
    public required JsonObject LitellmParams { get; init; }
    public JsonObject ModelInfo { get; init; } = [];
    /// <summary>A disabled deployment stays stored but serves nothing.</summary>
    public bool Disabled { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The entry as a <c>model_list</c> item (JSON is YAML, so the config loader reads it as it reads the file).</summary>
    public string ToModelListEntry()
    {
        var info = (JsonObject)ModelInfo.DeepClone();
        info["id"] = Id;
        return new JsonObject
        {
            ["model_name"] = ModelName,
            ["litellm_params"] = LitellmParams.DeepClone(),
            ["model_info"] = info,
        }.ToJsonString();
    }

    public string Serialize() => new JsonObject
    {
        ["id"] = Id,
        ["model_name"] = ModelName,
        ["litellm_params"] = LitellmParams.DeepClone(),
        ["model_info"] = ModelInfo.DeepClone(),
        ["disabled"] = Disabled,
        ["created_at"] = CreatedAt,
        ["updated_at"] = UpdatedAt,
    }.ToJsonString();

    public static StoredModel? Deserialize(string json)
    {
        if (JsonNode.Parse(json) is not JsonObject o || (string?)o["id"] is not { } id || (string?)o["model_name"] is not { } name
            || o["litellm_params"] is not JsonObject litellm) return null;
        return new StoredModel
        {
            Id = id,
            ModelName = name,
            LitellmParams = (JsonObject)litellm.DeepClone(),
            ModelInfo = o["model_info"] is JsonObject info ? (JsonObject)info.DeepClone() : [],
            Disabled = (bool?)o["disabled"] ?? false,
            CreatedAt = (DateTimeOffset?)o["created_at"] ?? default,
            UpdatedAt = (DateTimeOffset?)o["updated_at"] ?? default,
        };
    }
}
