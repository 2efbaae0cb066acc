using System.Runtime.InteropServices;
using System.Text.Json;
using Bridge.Gateway.StoredResponses;
using StackExchange.Redis;

namespace Bridge.Gateway.Endpoints;

/// <summary>
/// <c>GET</c> and <c>DELETE /v1/responses/{id}</c> and <c>GET /v1/responses/{id}/input_items</c> (and under
/// <c>/responses</c> and Azure's two paths): a stored answer, for the key that stored it only; for any other key it
/// does not exist (404, as at OpenAI).
/// </summary>
public static class StoredResponsesEndpoints
{
    public static IEndpointRouteBuilder MapStoredResponses(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in new[] { "/v1/responses", "/responses", "/openai/v1/responses", "/openai/responses" })
        {
            app.MapGet(prefix + "/{id}", GetAsync);
            app.MapDelete(prefix + "/{id}", DeleteAsync);
            app.MapGet(prefix + "/{id}/input_items", InputItemsAsync);
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

    /// <summary>
    /// The items the answer was generated from, as OpenAI lists them: earlier turns' input and output items, then the
    /// answer's own input; newest first unless <c>order=asc</c>; pages of <c>limit</c> (1-100, default 20) after or
    /// before an item id. An item the client sent without an id gets one made of the answer's id and its position, the
    /// same on every read, so pages can follow each other. <c>include</c> is accepted and changes nothing: items are
    /// kept whole.
    /// </summary>
    private static async Task InputItemsAsync(HttpContext context, string id, StoredResponseStore store)
    {
        if (!await AvailableAsync(context, store)) return;
        var query = context.Request.Query;
        var limit = 20;
        if (query.TryGetValue("limit", out var limitText)
            && !(int.TryParse(limitText.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= 100))
        {
            await ErrorResponses.WriteAsync(context, 400, "limit: must be an integer from 1 to 100.", param: "limit");
            return;
        }
        var order = query.TryGetValue("order", out var orderText) ? orderText.ToString() : "desc";
        if (order is not ("asc" or "desc"))
        {
            await ErrorResponses.WriteAsync(context, 400, "order: must be 'asc' or 'desc'.", param: "order");
            return;
        }

        IReadOnlyList<StoredItems>? stored;
        try
        {
            stored = await store.GetInputItemsAsync(GatewayMiddleware.CallerOf(context).KeyId, id);
        }
        catch (RedisException)
        {
            await UnreachableAsync(context);
            return;
        }
        if (stored is null)
        {
            await NotFoundAsync(context, id);
            return;
        }

        var documents = new List<JsonDocument>(stored.Count);
        try
        {
            var items = new List<(string Id, JsonElement Item, bool HasId)>();
            foreach (var turn in stored)
            {
                var document = JsonDocument.Parse(turn.Json);
                documents.Add(document);
                if (document.RootElement.ValueKind != JsonValueKind.Array) continue;
                var position = 0;
                foreach (var item in document.RootElement.EnumerateArray())
                {
                    var own = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id"u8, out var itemId) && itemId.ValueKind == JsonValueKind.String
                        ? itemId.GetString() : null;
                    items.Add((own ?? $"item_{turn.Turn}_{(turn.IsOutput ? "out" : "in")}{position}", item, own is not null));
                    position++;
                }
            }
            if (order == "desc") items.Reverse();

            var start = 0;
            var end = items.Count;
            foreach (var (name, isAfter) in new[] { ("after", true), ("before", false) })
            {
                if (!query.TryGetValue(name, out var cursorText)) continue;
                var cursor = cursorText.ToString();
                var at = items.FindIndex(item => item.Id == cursor);
                if (at < 0)
                {
                    await ErrorResponses.WriteAsync(context, 400, $"{name}: no item '{cursor}' in this response's input items.", param: name);
                    return;
                }
                if (isAfter) start = Math.Max(start, at + 1);
                else end = Math.Min(end, at);
            }
            var page = items.Skip(start).Take(Math.Max(0, Math.Min(limit, end - start))).ToList();

            context.Response.ContentType = "application/json";
            // Items go out as the bytes kept, not re-encoded.
            await using var writer = new Utf8JsonWriter(context.Response.Body, Translation.TranslationJson.WriterOptions);
            writer.WriteStartObject();
            writer.WriteString("object"u8, "list"u8);
            writer.WriteStartArray("data"u8);
            foreach (var (itemId, item, hasId) in page) WriteItem(writer, itemId, item, hasId);
            writer.WriteEndArray();
            if (page.Count > 0)
            {
                writer.WriteString("first_id"u8, page[0].Id);
                writer.WriteString("last_id"u8, page[^1].Id);
            }
            else
            {
                writer.WriteNull("first_id"u8);
                writer.WriteNull("last_id"u8);
            }
            writer.WriteBoolean("has_more"u8, start + page.Count < end);
            writer.WriteEndObject();
        }
        finally
        {
            foreach (var document in documents) document.Dispose();
        }
    }

    /// <summary>
    /// One item as OpenAI lists it: with an id, and a message in its full form (<c>"type": "message"</c>, content as
    /// parts) where the client sent the short one (a role and a string). Everything else is the bytes kept.
    /// </summary>
    private static void WriteItem(Utf8JsonWriter writer, string id, JsonElement item, bool hasId)
    {
        var isObject = item.ValueKind == JsonValueKind.Object;
        var addType = isObject && !item.TryGetProperty("type"u8, out _) && item.TryGetProperty("role"u8, out _);
        var stringContent = isObject && item.TryGetProperty("content"u8, out var content) && content.ValueKind == JsonValueKind.String;
        if (!isObject || (hasId && !addType && !stringContent))
        {
            writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(item), skipInputValidation: true);
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("id"u8, id);
        if (addType) writer.WriteString("type"u8, "message"u8);
        var assistant = item.TryGetProperty("role"u8, out var role) && role.ValueEquals("assistant"u8);
        foreach (var property in item.EnumerateObject())
        {
            if (property.NameEquals("id"u8)) continue; // written first (a client's id that is not a string is replaced)
            writer.WritePropertyName(property.Name);
            if (property.NameEquals("content"u8) && property.Value.ValueKind == JsonValueKind.String)
            {
                writer.WriteStartArray();
                writer.WriteStartObject();
                writer.WriteString("type"u8, assistant ? "output_text"u8 : "input_text"u8);
                writer.WritePropertyName("text"u8);
                writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(property.Value), skipInputValidation: true);
                writer.WriteEndObject();
                writer.WriteEndArray();
                continue;
            }
            writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(property.Value), skipInputValidation: true);
        }
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
