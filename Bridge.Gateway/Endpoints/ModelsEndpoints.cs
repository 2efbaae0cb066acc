using System.Text.Json;
using Bridge.Gateway.Buffers;
using Bridge.Gateway.Limits;
using Bridge.Gateway.Models;

namespace Bridge.Gateway.Endpoints;

/// <summary>
/// <c>GET /v1/models</c>: OpenAI's list shape, or Anthropic's when the request carries <c>anthropic-version</c>.
/// Lists the model names and aliases the caller may use.
/// </summary>
public static class ModelsEndpoints
{
    private static readonly DateTimeOffset Created = DateTimeOffset.UtcNow;

    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/models", ListAsync);
        app.MapGet("/models", ListAsync);
        app.MapGet("/v1/models/{**id}", GetAsync);
        return app;
    }

    private static async Task ListAsync(HttpContext context, ModelCatalog catalog)
    {
        var names = VisibleNames(context, catalog);
        using var output = new PooledBufferWriter(1024);
        using (var w = new Utf8JsonWriter(output))
        {
            w.WriteStartObject();
            if (ApiSurfaces.For(context) == ApiSurface.Anthropic)
            {
                w.WriteStartArray("data"u8);
                foreach (var name in names) WriteAnthropicModel(w, name);
                w.WriteEndArray();
                w.WriteBoolean("has_more"u8, false);
                if (names.Count > 0)
                {
                    w.WriteString("first_id"u8, names[0]);
                    w.WriteString("last_id"u8, names[^1]);
                }
                else
                {
                    w.WriteNull("first_id"u8);
                    w.WriteNull("last_id"u8);
                }
            }
            else
            {
                w.WriteString("object"u8, "list"u8);
                w.WriteStartArray("data"u8);
                foreach (var name in names) WriteOpenAIModel(w, name);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        await WriteJsonAsync(context, output);
    }

    private static async Task GetAsync(HttpContext context, string id, ModelCatalog catalog)
    {
        if (!VisibleNames(context, catalog).Contains(id))
        {
            await ErrorResponses.WriteAsync(context, 404, $"Model '{id}' is not served by this gateway.", code: "model_not_found", param: "model");
            return;
        }
        using var output = new PooledBufferWriter(256);
        using (var w = new Utf8JsonWriter(output))
        {
            if (ApiSurfaces.For(context) == ApiSurface.Anthropic) WriteAnthropicModel(w, id);
            else WriteOpenAIModel(w, id);
        }
        await WriteJsonAsync(context, output);
    }

    /// <summary>Model names and aliases the caller's key may use, its own aliases included.</summary>
    private static List<string> VisibleNames(HttpContext context, ModelCatalog catalog)
    {
        var key = GatewayMiddleware.CallerOf(context).VirtualKey;
        var names = catalog.PublicNames().Where(n => ModelAccess.Allows(key, n, catalog.Resolve(n)?.Name)).ToList();
        if (key is not null)
        {
            foreach (var (alias, target) in key.Aliases)
            {
                if (!names.Contains(alias) && catalog.Resolve(target) is not null && ModelAccess.Allows(key, alias, catalog.Resolve(target)?.Name)) names.Add(alias);
            }
        }
        return names;
    }

    private static void WriteAnthropicModel(Utf8JsonWriter w, string name)
    {
        w.WriteStartObject();
        w.WriteString("type"u8, "model"u8);
        w.WriteString("id"u8, name);
        w.WriteString("display_name"u8, name);
        w.WriteString("created_at"u8, Created.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        w.WriteEndObject();
    }

    private static void WriteOpenAIModel(Utf8JsonWriter w, string name)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, name);
        w.WriteString("object"u8, "model"u8);
        w.WriteNumber("created"u8, Created.ToUnixTimeSeconds());
        w.WriteString("owned_by"u8, "bridge"u8);
        w.WriteEndObject();
    }

    private static async Task WriteJsonAsync(HttpContext context, PooledBufferWriter output)
    {
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = output.WrittenCount;
        await context.Response.Body.WriteAsync(output.WrittenMemory, context.RequestAborted);
    }
}
