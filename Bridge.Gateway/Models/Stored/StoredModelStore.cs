using System.Text.Json.Nodes;
using Bridge.Gateway.State;
using StackExchange.Redis;

namespace Bridge.Gateway.Models.Stored;

/// <summary>
/// The deployments added at runtime, in Redis (<c>bridge:models</c>: id -> <see cref="StoredModel"/> JSON), shared by the
/// admin and the gateway's LiteLLM-style API. Every change publishes <c>models</c> on <c>bridge:events</c>, and every
/// gateway replica rebuilds its catalog from the file and this hash (<see cref="ModelSources"/>).
/// </summary>
public sealed class StoredModelStore(Func<Task<IDatabase?>> database, ModelSecrets secrets, TimeProvider time)
{
    public ModelSecrets Secrets => secrets;

    public async Task<IReadOnlyList<StoredModel>> ListAsync()
    {
        var db = await DatabaseAsync();
        var entries = await db.HashGetAllAsync(RedisKeys.Models);
        return entries.Select(e => StoredModel.Deserialize(e.Value!)).OfType<StoredModel>().OrderBy(m => m.ModelName, StringComparer.Ordinal).ThenBy(m => m.Id, StringComparer.Ordinal).ToList();
    }

    public async Task<StoredModel?> GetAsync(string id)
    {
        var db = await DatabaseAsync();
        var json = await db.HashGetAsync(RedisKeys.Models, id);
        return json.IsNullOrEmpty ? null : StoredModel.Deserialize(json!);
    }

    /// <summary>Adds or replaces a deployment; secrets in <paramref name="litellmParams"/> are sealed first (an already sealed one is kept).</summary>
    public async Task<StoredModel> SaveAsync(string? id, string modelName, JsonObject litellmParams, JsonObject? modelInfo, bool disabled)
    {
        var db = await DatabaseAsync();
        var existing = id is null ? null : await GetAsync(id);
        var sealedParams = new JsonObject();
        foreach (var (key, value) in litellmParams)
        {
            if (ModelSecrets.SecretParams.Contains(key) && value is JsonValue v && v.TryGetValue<string>(out var plain)
                && !ModelSecrets.IsSealed(plain) && !plain.StartsWith("os.environ/", StringComparison.Ordinal))
            {
                if (!secrets.Available) throw new InvalidOperationException("no key to encrypt model secrets with: set Bridge:ModelSecretsKey or a master key");
                sealedParams[key] = secrets.Seal(plain);
            }
            else
            {
                sealedParams[key] = value?.DeepClone();
            }
        }
        var now = time.GetUtcNow();
        var model = new StoredModel
        {
            Id = id ?? "model_" + Guid.NewGuid().ToString("N")[..12],
            ModelName = modelName,
            LitellmParams = sealedParams,
            ModelInfo = modelInfo is null ? [] : (JsonObject)modelInfo.DeepClone(),
            Disabled = disabled,
            CreatedAt = existing?.CreatedAt ?? now,
            UpdatedAt = now,
        };
        model.ModelInfo.Remove("id");
        await db.HashSetAsync(RedisKeys.Models, model.Id, model.Serialize());
        await db.PublishAsync(RedisChannel.Literal(RedisKeys.Events), RedisKeys.EventMessages.ModelsChanged);
        return model;
    }

    public async Task<bool> DeleteAsync(string id)
    {
        var db = await DatabaseAsync();
        var removed = await db.HashDeleteAsync(RedisKeys.Models, id);
        if (removed) await db.PublishAsync(RedisChannel.Literal(RedisKeys.Events), RedisKeys.EventMessages.ModelsChanged);
        return removed;
    }

    private async Task<IDatabase> DatabaseAsync() =>
        await database() ?? throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "no Redis configured");

    /// <summary>Copies <paramref name="litellmParams"/> with every secret replaced by a mask, for display and <c>/model/info</c>.</summary>
    public static JsonObject Masked(JsonObject litellmParams)
    {
        var masked = new JsonObject();
        foreach (var (key, value) in litellmParams)
        {
            masked[key] = ModelSecrets.SecretParams.Contains(key) && value is JsonValue v && v.TryGetValue<string>(out var s) && !s.StartsWith("os.environ/", StringComparison.Ordinal)
                ? "********"
                : value?.DeepClone();
        }
        return masked;
    }
}
