using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Hosting;
using Bridge.Gateway.Models;
using Bridge.Gateway.Models.Stored;
using StackExchange.Redis;

namespace Bridge.Gateway.Endpoints;

/// <summary>
/// LiteLLM's model management API, master key only: <c>POST /model/new</c>, <c>/model/update</c>, <c>/model/delete</c>,
/// <c>GET /model/info</c> and <c>/v2/model/info</c>. Added deployments are stored in Redis (secrets sealed) and served by
/// every replica within a second (<see cref="ModelSources"/>); <c>config.yaml</c>'s are listed but read-only here.
/// </summary>
public static class ModelManagementEndpoints
{
    public static IEndpointRouteBuilder MapModelManagement(this IEndpointRouteBuilder app)
    {
        app.MapPost("/model/new", NewAsync);
        app.MapPost("/model/update", UpdateAsync);
        app.MapPost("/model/delete", DeleteAsync);
        app.MapGet("/model/info", InfoAsync);
        app.MapGet("/v2/model/info", InfoAsync);
        return app;
    }

    private static async Task NewAsync(HttpContext context, StoredModelStore store, ModelSources sources, GatewayOptions options, IConfiguration configuration)
    {
        if (await ReadAsync(context) is not { } body) return;
        var name = (string?)body["model_name"];
        if (string.IsNullOrWhiteSpace(name) || body["litellm_params"] is not JsonObject litellm)
        {
            await ErrorResponses.WriteAsync(context, 400, "model_name and litellm_params are required.", param: "model_name");
            return;
        }
        await SaveAsync(context, store, sources, options, configuration, null, name, litellm, body["model_info"] as JsonObject, disabled: false);
    }

    private static async Task UpdateAsync(HttpContext context, StoredModelStore store, ModelCatalog catalog, ModelSources sources, GatewayOptions options, IConfiguration configuration)
    {
        if (await ReadAsync(context) is not { } body) return;
        var id = (string?)body["model_info"]?["id"] ?? (string?)body["id"];
        if (id is null)
        {
            await ErrorResponses.WriteAsync(context, 400, "model_info.id is required.", param: "model_info.id");
            return;
        }
        var existing = await store.GetAsync(id);
        if (existing is null)
        {
            var inFile = catalog.Config.Deployments.Any(d => d.Id == id);
            await ErrorResponses.WriteAsync(context, inFile ? 400 : 404,
                inFile ? $"Model '{id}' is defined in config.yaml; edit the file (it reloads on change)." : $"Model '{id}' not found.", param: "model_info.id");
            return;
        }
        // As in LiteLLM, only the fields given change.
        var litellm = (JsonObject)existing.LitellmParams.DeepClone();
        if (body["litellm_params"] is JsonObject changes)
        {
            foreach (var (key, value) in changes) litellm[key] = value?.DeepClone();
        }
        var info = body["model_info"] is JsonObject newInfo ? (JsonObject)newInfo.DeepClone() : existing.ModelInfo;
        var disabled = (bool?)info["disabled"] ?? existing.Disabled;
        info.Remove("disabled");
        await SaveAsync(context, store, sources, options, configuration, id, (string?)body["model_name"] ?? existing.ModelName, litellm, info, disabled);
    }

    private static async Task DeleteAsync(HttpContext context, StoredModelStore store, ModelCatalog catalog, ModelSources sources)
    {
        if (await ReadAsync(context) is not { } body) return;
        var id = (string?)body["id"] ?? "";
        try
        {
            if (!await store.DeleteAsync(id))
            {
                var inFile = catalog.Config.Deployments.Any(d => d.Id == id);
                await ErrorResponses.WriteAsync(context, inFile ? 400 : 404,
                    inFile ? $"Model '{id}' is defined in config.yaml; remove it there." : $"Model '{id}' not found.", param: "id");
                return;
            }
        }
        catch (RedisException)
        {
            await UnreachableAsync(context);
            return;
        }
        await sources.RebuildAsync(reloadFile: false);
        await Results.Json(new JsonObject { ["message"] = $"Model: {id} deleted successfully" }).ExecuteAsync(context);
    }

    private static async Task InfoAsync(HttpContext context, StoredModelStore store, ModelCatalog catalog)
    {
        if (!await MasterAsync(context)) return;
        IReadOnlyList<StoredModel> stored = [];
        try
        {
            stored = await store.ListAsync();
        }
        catch (RedisException)
        {
            // Without Redis the file's deployments are still listed.
        }
        var filter = context.Request.Query["litellm_model_id"].ToString();
        var data = new JsonArray();
        foreach (var d in catalog.Config.Deployments.Where(d => filter.Length == 0 || d.Id == filter))
        {
            data.Add(new JsonObject
            {
                ["model_name"] = d.ModelName,
                ["litellm_params"] = new JsonObject { ["model"] = d.ConfiguredModel, ["api_base"] = d.ApiBase },
                ["model_info"] = new JsonObject { ["id"] = d.Id, ["db_model"] = false, ["provider"] = d.Provider.ToString().ToLowerInvariant() },
            });
        }
        foreach (var m in stored.Where(m => filter.Length == 0 || m.Id == filter))
        {
            var info = (JsonObject)m.ModelInfo.DeepClone();
            info["id"] = m.Id;
            info["db_model"] = true;
            info["disabled"] = m.Disabled;
            info["created_at"] = m.CreatedAt;
            info["updated_at"] = m.UpdatedAt;
            data.Add(new JsonObject { ["model_name"] = m.ModelName, ["litellm_params"] = StoredModelStore.Masked(m.LitellmParams), ["model_info"] = info });
        }
        await Results.Json(new JsonObject { ["data"] = data }).ExecuteAsync(context);
    }

    /// <summary>Checks the entry loads as a deployment, stores it, and has this replica serve it before answering.</summary>
    private static async Task SaveAsync(HttpContext context, StoredModelStore store, ModelSources sources, GatewayOptions options, IConfiguration configuration,
        string? id, string name, JsonObject litellm, JsonObject? info, bool disabled)
    {
        try
        {
            var probe = new StoredModel { Id = id ?? "new", ModelName = name, LitellmParams = litellm, ModelInfo = info ?? [] };
            ConfigLoader.ParseEntry(probe.ToModelListEntry(), "model", GatewaySetup.EnvironmentFor(options.ConfigPath, configuration), []);
        }
        catch (ConfigException ex)
        {
            await ErrorResponses.WriteAsync(context, 400, ex.Message, param: "litellm_params");
            return;
        }
        StoredModel saved;
        try
        {
            saved = await store.SaveAsync(id, name, litellm, info, disabled);
        }
        catch (RedisException)
        {
            await UnreachableAsync(context);
            return;
        }
        catch (InvalidOperationException ex)
        {
            await ErrorResponses.WriteAsync(context, 400, ex.Message, param: "litellm_params");
            return;
        }
        await sources.RebuildAsync(reloadFile: false);
        var answer = new JsonObject
        {
            ["model_id"] = saved.Id,
            ["model_name"] = saved.ModelName,
            ["litellm_params"] = StoredModelStore.Masked(saved.LitellmParams),
            ["model_info"] = new JsonObject { ["id"] = saved.Id, ["db_model"] = true, ["disabled"] = saved.Disabled },
        };
        await Results.Json(answer).ExecuteAsync(context);
    }

    private static async Task<JsonObject?> ReadAsync(HttpContext context)
    {
        if (!await MasterAsync(context)) return null;
        try
        {
            if (await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) is JsonObject body) return body;
        }
        catch (JsonException)
        {
        }
        await ErrorResponses.WriteAsync(context, 400, "The body must be a JSON object.");
        return null;
    }

    private static async Task<bool> MasterAsync(HttpContext context)
    {
        if (GatewayMiddleware.CallerOf(context).IsMaster) return true;
        await ErrorResponses.WriteAsync(context, 403, "Model management needs a master key.");
        return false;
    }

    private static Task UnreachableAsync(HttpContext context) =>
        ErrorResponses.WriteAsync(context, 503, "Redis is unreachable, and added models live there; retry shortly.", TimeSpan.FromSeconds(1));
}
