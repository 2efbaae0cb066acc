using Bridge.Admin.Stores;

namespace Bridge.Admin.Api;

/// <summary><c>/api/master-keys</c>: list, create (value shown once), revoke (never the configured or the last one).</summary>
public static class MasterKeysApi
{
    public sealed record MasterKeyRequest(string Name);
    public sealed record CreatedMasterKeyView(string Key, string Id, string Name, string KeyPrefix, DateTimeOffset CreatedAt)
    {
        public override string ToString() => $"CreatedMasterKeyView {{ Id = {Id} }}";
    }

    public static RouteGroupBuilder MapMasterKeysApi(this RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/master-keys").WithTags("Master keys");
        keys.MapGet("/", async (MasterKeyStore store) => Results.Ok(new { master_keys = await store.ListAsync() }))
            .Produces<IReadOnlyList<MasterKeyEntry>>();
        keys.MapPost("/", CreateAsync).Accepts<MasterKeyRequest>("application/json").Produces<CreatedMasterKeyView>(StatusCodes.Status201Created)
            .WithSummary("Create a named master key. The response is the only time its value is shown.");
        keys.MapDelete("/{id}", RevokeAsync).WithSummary("Revoke a master key created here; the configured key and the last key cannot be revoked.");
        return api;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, MasterKeyStore store)
    {
        var body = await ApiBody.ReadObjectAsync(request);
        var created = await store.CreateAsync(ApiBody.String(body, "name") ?? "");
        var r = created.Record;
        return Results.Created($"/api/master-keys/{r.Id}", new CreatedMasterKeyView(created.Key, r.Id, r.Name, r.KeyPrefix, r.CreatedAt));
    }

    private static async Task<IResult> RevokeAsync(string id, MasterKeyStore store) => await store.RevokeAsync(id) switch
    {
        MasterKeyRevocation.Revoked => Results.Ok(new { revoked = id }),
        MasterKeyRevocation.FromConfiguration => ApiErrors.Conflict("The configured master key cannot be revoked here; change the configuration instead."),
        MasterKeyRevocation.LastKey => ApiErrors.Conflict("This is the last master key; create another one before revoking it."),
        _ => ApiErrors.NotFound($"No master key with id '{id}'.", "id"),
    };
}
