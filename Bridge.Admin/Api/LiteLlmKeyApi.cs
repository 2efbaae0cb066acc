using System.Text.Json.Nodes;
using Bridge.Admin.Stores;
using Bridge.Gateway.State;

namespace Bridge.Admin.Api;

/// <summary>
/// LiteLLM-compatible key management (<c>/key/generate</c>, <c>/key/info</c>, <c>/key/update</c>, <c>/key/delete</c>,
/// <c>/key/list</c>) so existing scripts keep working. Keys are named by value or by id (LiteLLM's <c>token</c>).
/// </summary>
public static class LiteLlmKeyApi
{
    public sealed record GenerateRequest(
        string? KeyAlias, IReadOnlyList<string>? Models, decimal? MaxBudget, string? BudgetDuration, int? RpmLimit, int? TpmLimit,
        int? MaxParallelRequests, string? Duration, IReadOnlyDictionary<string, object>? Metadata, IReadOnlyDictionary<string, string>? Aliases,
        string? UserId, bool? Blocked);
    public sealed record UpdateRequest(string Key, string? KeyAlias, IReadOnlyList<string>? Models, decimal? MaxBudget, string? BudgetDuration,
        int? RpmLimit, int? TpmLimit, int? MaxParallelRequests, string? Duration, string? UserId, bool? Blocked);
    public sealed record DeleteRequest(IReadOnlyList<string> Keys);

    public static IEndpointRouteBuilder MapLiteLlmKeyApi(this RouteGroupBuilder routes)
    {
        var key = routes.MapGroup("/key").WithTags("LiteLLM-compatible keys");
        key.MapPost("/generate", GenerateAsync).Accepts<GenerateRequest>("application/json").Produces<LiteLlmGeneratedKeyView>();
        key.MapGet("/info", InfoAsync).WithSummary("key: the key's value or its token (id).");
        key.MapPost("/update", UpdateAsync).Accepts<UpdateRequest>("application/json").Produces<LiteLlmKeyView>();
        key.MapPost("/delete", DeleteAsync).Accepts<DeleteRequest>("application/json");
        key.MapGet("/list", ListAsync).WithSummary("page (1-based), size, return_full_object, key_alias, user_id.");
        return routes;
    }

    private static async Task<IResult> GenerateAsync(HttpRequest request, VirtualKeyStore store, TimeProvider time)
    {
        var body = await ApiBody.ReadObjectAsync(request);
        if (body.ContainsKey("key")) throw new FieldValidationException("key", "key: custom key values are not supported; Bridge generates every key.");
        var settings = KeyFields.Apply(new VirtualKeySettings(), body, time.GetUtcNow(), liteLlm: true);
        var created = await store.CreateAsync(settings);
        return Results.Ok(new LiteLlmGeneratedKeyView(LiteLlmKeyView.From(created.Record), created.Key));
    }

    private static async Task<IResult> InfoAsync(VirtualKeyStore store, string? key)
    {
        if (string.IsNullOrWhiteSpace(key)) return ApiErrors.BadRequest("key", "key: required, the key's value or its token.");
        if (await FindAsync(store, key) is not { } record) return ApiErrors.NotFound("No such key.", "key");
        return Results.Ok(new { key = record.Id, info = LiteLlmKeyView.From(record, await store.CurrentSpendMicrosAsync(record)) });
    }

    private static async Task<IResult> UpdateAsync(HttpRequest request, VirtualKeyStore store, TimeProvider time)
    {
        var body = await ApiBody.ReadObjectAsync(request);
        var reference = ApiBody.String(body, "key") ?? throw new FieldValidationException("key", "key: required, the key's value or its token.");
        if (await FindAsync(store, reference) is not { } current) return ApiErrors.NotFound("No such key.", "key");
        var fields = new JsonObject();
        foreach (var (name, node) in body) if (name != "key") fields[name] = node?.DeepClone();
        var settings = KeyFields.Apply(VirtualKeySettings.From(current), fields, time.GetUtcNow(), liteLlm: true);
        return await store.UpdateAsync(current.Id, settings) is { } updated
            ? Results.Ok(LiteLlmKeyView.From(updated))
            : ApiErrors.NotFound("No such key.", "key");
    }

    private static async Task<IResult> DeleteAsync(HttpRequest request, VirtualKeyStore store)
    {
        var body = await ApiBody.ReadObjectAsync(request);
        if (body["keys"] is not JsonArray list || list.Count == 0 || list.Any(k => k?.GetValueKind() != System.Text.Json.JsonValueKind.String))
        {
            throw new FieldValidationException("keys", "keys: required, a non-empty array of key values or tokens.");
        }
        var found = new List<VirtualKeyRecord>();
        var missing = 0;
        foreach (var reference in list.Select(k => k!.GetValue<string>()))
        {
            if (await FindAsync(store, reference) is { } record) found.Add(record);
            else missing++;
        }
        if (missing > 0) return ApiErrors.NotFound($"{missing} of the keys do not exist; nothing was deleted.", "keys");
        foreach (var record in found) await store.RevokeAsync(record.Id);
        return Results.Ok(new { deleted_keys = found.Select(r => r.Id).ToList() });
    }

    private static async Task<IResult> ListAsync(VirtualKeyStore store, int? page, int? size, bool? return_full_object, string? key_alias, string? user_id)
    {
        var pageSize = Math.Clamp(size ?? 10, 1, 100);
        var pageNumber = Math.Max(1, page ?? 1);
        var all = (await store.ListAsync())
            .Where(k => key_alias is null || string.Equals(k.Name, key_alias, StringComparison.OrdinalIgnoreCase))
            .Where(k => user_id is null || string.Equals(k.Owner, user_id, StringComparison.OrdinalIgnoreCase))
            .ToList();
        var slice = all.Skip((pageNumber - 1) * pageSize).Take(pageSize);
        object keys = return_full_object == true ? slice.Select(k => LiteLlmKeyView.From(k)).ToList() : slice.Select(k => k.Id).ToList();
        return Results.Ok(new { keys, total_count = all.Count, current_page = pageNumber, total_pages = (all.Count + pageSize - 1) / pageSize });
    }

    /// <summary>A key by value (looked up by hash) or by id.</summary>
    private static async Task<VirtualKeyRecord?> FindAsync(VirtualKeyStore store, string reference) =>
        reference.StartsWith("sk-", StringComparison.Ordinal) ? await store.FindBySecretAsync(reference) : await store.GetAsync(reference);
}
