using Bridge.Admin.Api;
using Bridge.Admin.Auth;
using Bridge.Admin.Components;

namespace Bridge.Admin.Hosting;

public static class AdminApplicationBuilderExtensions
{
    /// <summary>The request pipeline: forwarded headers, errors, then authentication, authorization and antiforgery.</summary>
    public static WebApplication UseBridgeAdmin(this WebApplication app)
    {
        // First, so the scheme (Secure cookies) and the client address (sign-in throttle) are the real ones.
        app.UseAdminForwardedHeaders();
        if (!app.Environment.IsDevelopment()) app.UseExceptionHandler("/error", createScopeForErrors: true);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    /// <summary>Static assets (public), the sign-in endpoints, and the Blazor pages (behind the fallback policy).</summary>
    public static WebApplication MapBridgeAdmin(this WebApplication app)
    {
        app.MapStaticAssets().AllowAnonymous();
        app.MapAdminAuthEndpoints();
        app.MapManagementApi();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
