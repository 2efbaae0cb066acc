using Bridge.Admin.Stores;

namespace Bridge.Admin.Api;

/// <summary><c>/api/aliases</c>: the global alias map; changes reach every gateway within a second.</summary>
public static class AliasesApi
{
    public sealed record AliasRequest(string Target);

    public static RouteGroupBuilder MapAliasesApi(this RouteGroupBuilder api)
    {
        var aliases = api.MapGroup("/aliases").WithTags("Aliases");
        aliases.MapGet("/", async (AliasStore store) => Results.Ok(await store.ListAsync()))
            .Produces<IReadOnlyDictionary<string, string>>().WithSummary("Alias -> model name.");
        aliases.MapPut("/{alias}", SetAsync).Accepts<AliasRequest>("application/json").WithSummary("Add or change an alias; the target must be a model in the config or one added at runtime.");
        aliases.MapDelete("/{alias}", async (string alias, AliasStore store) => await store.DeleteAsync(alias)
            ? Results.Ok(new { deleted = alias })
            : ApiErrors.NotFound($"No alias '{alias}'.", "alias"));
        return api;
    }

    private static async Task<IResult> SetAsync(string alias, HttpRequest request, AliasStore store)
    {
        var body = await ApiBody.ReadObjectAsync(request);
        var target = ApiBody.String(body, "target") ?? throw new FieldValidationException("target", "target: required, the model the alias points at.");
        await store.SetAsync(alias, target);
        return Results.Ok(new { alias, target });
    }
}
