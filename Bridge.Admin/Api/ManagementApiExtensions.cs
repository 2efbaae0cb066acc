using System.Text.Json;
using Bridge.Admin.Auth;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;

namespace Bridge.Admin.Api;

/// <summary>The management API: JSON, guarded by a master key (not the session cookie), described at <c>/openapi/v1.json</c>.</summary>
public static class ManagementApiExtensions
{
    public const string ApiPolicy = "ManagementApi";
    public const string DocumentPolicy = "ApiDocument";

    public static IServiceCollection AddManagementApi(this IServiceCollection services)
    {
        services.AddAuthentication().AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(
            ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiPolicy, policy => policy.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser())
            // The document can be read by a signed-in admin in the browser, or with a master key.
            .AddPolicy(DocumentPolicy, policy => policy
                .AddAuthenticationSchemes(CookieAuthenticationDefaults.AuthenticationScheme, ApiKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser());
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never;
        });
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Bridge admin management API";
            document.Info.Description = "Virtual keys, master keys, aliases and usage. Authenticate with a master key: 'Authorization: Bearer <key>' or 'x-api-key'.";
            return Task.CompletedTask;
        }));
        services.AddSingleton<ApiExceptionFilter>();
        return services;
    }

    public static IEndpointRouteBuilder MapManagementApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api").RequireAuthorization(ApiPolicy).AddEndpointFilter<ApiExceptionFilter>().DisableAntiforgery();
        api.MapKeysApi().MapMasterKeysApi().MapAliasesApi().MapUsageApi();

        var liteLlm = endpoints.MapGroup("").RequireAuthorization(ApiPolicy).AddEndpointFilter<ApiExceptionFilter>().DisableAntiforgery();
        liteLlm.MapLiteLlmKeyApi();

        endpoints.MapOpenApi().RequireAuthorization(DocumentPolicy);

        // The Usage page's export link: the same CSV, for the signed-in admin (cookie), outside /api.
        endpoints.MapGet(AdminPaths.UsageExport, UsageApi.CsvAsync).AddEndpointFilter<ApiExceptionFilter>().ExcludeFromDescription();
        return endpoints;
    }
}
