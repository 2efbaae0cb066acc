using Bridge.Gateway.Auth;
using Bridge.Gateway.Endpoints;
using Bridge.Gateway.Limits;
using Bridge.Gateway.Models;
using Microsoft.AspNetCore.Http;

namespace Bridge.Gateway.Pipeline;

/// <summary>
/// Resolves the model a request names for its caller (the key's own aliases first, then the catalog) and checks
/// that the key may use it. Messages, chat completions and count_tokens all go through here, so no endpoint can
/// reach a model (or learn about it) that the key's allowed models or aliases would not give it.
/// </summary>
public static class ModelResolution
{
    /// <summary>
    /// False after writing a 403 (in the client's envelope) when the key may not use the model. When allowed,
    /// <c>Group</c> is the resolved group, or null for a name the gateway does not serve (each caller decides).
    /// </summary>
    public static async ValueTask<(bool Allowed, ModelGroup? Group)> ResolveAsync(HttpContext context, ModelCatalog catalog, Caller who, string requested)
    {
        var lookupName = who.VirtualKey?.Aliases.GetValueOrDefault(requested) ?? requested;
        var group = catalog.Resolve(lookupName);
        if (ModelAccess.Allows(who.VirtualKey, requested, group?.Name)) return (true, group);
        await ErrorResponses.WriteAsync(context, 403,
            $"API key '{who.VirtualKey!.KeyPrefix}' may not use model '{requested}'. Allowed models: {string.Join(", ", who.VirtualKey.Models)}.",
            code: "model_not_allowed", param: "model");
        return (false, null);
    }
}
