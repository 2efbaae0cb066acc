using System.Text.Json;
using Bridge.Gateway.StoredResponses;
using StackExchange.Redis;

namespace Bridge.Gateway.Endpoints;

/// <summary>
/// <c>GET</c> and <c>DELETE /v1/responses/{id}</c> (and under <c>/responses</c> and Azure's two paths): a stored answer,
/// for the key that stored it only; for any other key it does not exist (404, as at OpenAI).
/// </summary>
public static class StoredResponsesEndpoints
{
    public static IEndpointRouteBuilder MapStoredResponses(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in new[] { "/v1/responses", "/responses", "/openai/v1/responses", "/openai/responses" })
        {
            app.MapGet(prefix + "/{id}", GetAsync);
            app.MapDelete(prefix + "/{id}", DeleteAsync);
        }
        return app;
    }

    private static async Task GetAsync(HttpContext context, string id, StoredResponseStore store)
    {
        if (!await AvailableAsync(context, store)) return;
        try
        {
            if (await store.GetAsync(GatewayMiddleware.CallerOf(context).KeyId, id) is not { } response)
            {
                await NotFoundAsync(context, id);
                return;
            }
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = response.Length;
            await context.Response.Body.WriteAsync(response, context.RequestAborted);
        }
        catch (RedisException)
        {
            await UnreachableAsync(context);
        }
    }

    private static async Task DeleteAsync(HttpContext context, string id, StoredResponseStore store)
    {
        if (!await AvailableAsync(context, store)) return;
        try
        {
            if (!await store.DeleteAsync(GatewayMiddleware.CallerOf(context).KeyId, id))
            {
                await NotFoundAsync(context, id);
                return;
            }
        }
        catch (RedisException)
        {
            await UnreachableAsync(context);
            return;
        }
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteString("id"u8, id);
        writer.WriteString("object"u8, "response.deleted"u8);
        writer.WriteBoolean("deleted"u8, true);
        writer.WriteEndObject();
    }

    private static async Task<bool> AvailableAsync(HttpContext context, StoredResponseStore store)
    {
        if (store.Configured) return true;
        await ErrorResponses.WriteAsync(context, 400,
            "This gateway has no Redis (ConnectionStrings:redis), so it keeps no stored responses.", param: "response_id");
        return false;
    }

    private static Task NotFoundAsync(HttpContext context, string id) =>
        ErrorResponses.WriteAsync(context, 404, $"Response with id '{id}' not found.", param: "response_id");

    /// <summary>The 503 for any stored-responses read while Redis is away (also continuing a conversation).</summary>
    internal static Task UnreachableAsync(HttpContext context) =>
        ErrorResponses.WriteAsync(context, 503, "Stored responses cannot be read right now (Redis is unreachable); retry shortly.", TimeSpan.FromSeconds(1));
}
