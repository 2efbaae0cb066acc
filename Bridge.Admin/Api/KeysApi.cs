using Bridge.Admin.Stores;

namespace Bridge.Admin.Api;

/// <summary><c>/api/keys</c>: list and search, create, read, update, block, rotate, revoke.</summary>
public static class KeysApi
{
    public static RouteGroupBuilder MapKeysApi(this RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/keys").WithTags("Virtual keys");
        keys.MapGet("/", ListAsync).WithSummary("List virtual keys, newest first; 'search' matches name, owner, id or prefix (a whole key: POST /api/keys/search).");
        keys.MapPost("/search", SearchAsync).Accepts<SearchRequest>("application/json")
            .WithSummary("The same search with the term in the body, so a whole key value can be looked up without putting it in a URL.");
        keys.MapPost("/", CreateAsync).Accepts<KeyRequest>("application/json").Produces<CreatedKeyView>(StatusCodes.Status201Created)
            .WithSummary("Create a virtual key. The response is the only time its value is shown.");
        keys.MapGet("/{id}", GetAsync).Produces<KeyView>().WithSummary("One virtual key (without its value).");
        keys.MapPatch("/{id}", UpdateAsync).Accepts<KeyRequest>("application/json").Produces<KeyView>()
            .WithSummary("Change the fields present in the body; null clears a field.");
        keys.MapPost("/{id}/rotate", RotateAsync).Produces<CreatedKeyView>()
            .WithSummary("New value, same id, settings and usage history; the old value stops working.");
        keys.MapPost("/{id}/block", (string id, VirtualKeyStore store) => SetBlockedAsync(id, true, store)).Produces<KeyView>();
        keys.MapPost("/{id}/unblock", (string id, VirtualKeyStore store) => SetBlockedAsync(id, false, store)).Produces<KeyView>();
        keys.MapDelete("/{id}", RevokeAsync).WithSummary("Revoke: the key stops working on every gateway within a second.");
        return api;
    }

    public sealed record SearchRequest(string? Search, int? Offset, int? Limit);

    private static async Task<IResult> ListAsync(VirtualKeyStore store, string? search, int? offset, int? limit)
    {
        // URLs end up in proxy and access logs and browser history; a key value must not.
        if (search is not null && SecretKeys.LooksLikeKey(search.Trim()))
        {
            return ApiErrors.BadRequest("search", "search: a whole key does not belong in a URL; POST {\"search\": \"sk-...\"} to /api/keys/search, or search by its prefix.");
        }
        return await PageAsync(store, search, offset, limit);
    }

    private static async Task<IResult> SearchAsync(HttpRequest request, VirtualKeyStore store)
    {
        var body = await ApiBody.ReadObjectAsync(request);
        return await PageAsync(store, ApiBody.String(body, "search"), ApiBody.Int(body, "offset"), ApiBody.Int(body, "limit"));
    }

    private static async Task<IResult> PageAsync(VirtualKeyStore store, string? search, int? offset, int? limit)
    {
        var found = await store.SearchAsync(search);
        var page = found.Skip(Math.Max(0, offset ?? 0)).Take(Math.Clamp(limit ?? 100, 1, 1000)).Select(k => KeyView.From(k)).ToList();
        return Results.Ok(new { total = found.Count, keys = page });
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, VirtualKeyStore store, TimeProvider time)
    {
        var body = await ApiBody.ReadObjectAsync(request);
        var settings = KeyFields.Apply(new VirtualKeySettings(), body, time.GetUtcNow(), liteLlm: false);
        var created = await store.CreateAsync(settings);
        return Results.Created($"/api/keys/{created.Record.Id}", CreatedKeyView.From(created.Record, created.Key));
    }

    private static async Task<IResult> GetAsync(string id, VirtualKeyStore store) =>
        await store.GetAsync(id) is { } key ? Results.Ok(KeyView.From(key, await store.CurrentSpendMicrosAsync(key))) : NotFound(id);

    private static async Task<IResult> UpdateAsync(string id, HttpRequest request, VirtualKeyStore store, TimeProvider time)
    {
        var body = await ApiBody.ReadObjectAsync(request);
        if (await store.GetAsync(id) is not { } current) return NotFound(id);
        var settings = KeyFields.Apply(VirtualKeySettings.From(current), body, time.GetUtcNow(), liteLlm: false);
        return await store.UpdateAsync(id, settings) is { } updated ? Results.Ok(KeyView.From(updated)) : NotFound(id);
    }

    private static async Task<IResult> RotateAsync(string id, VirtualKeyStore store) =>
        await store.RotateAsync(id) is { } rotated ? Results.Ok(CreatedKeyView.From(rotated.Record, rotated.Key)) : NotFound(id);

    private static async Task<IResult> SetBlockedAsync(string id, bool blocked, VirtualKeyStore store) =>
        await store.SetBlockedAsync(id, blocked) is { } updated ? Results.Ok(KeyView.From(updated)) : NotFound(id);

    private static async Task<IResult> RevokeAsync(string id, VirtualKeyStore store) =>
        await store.RevokeAsync(id) ? Results.Ok(new { revoked = id }) : NotFound(id);

    private static IResult NotFound(string id) => ApiErrors.NotFound($"No virtual key with id '{id}'.", "id");
}
