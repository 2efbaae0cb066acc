using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bridge.Admin.Auth;

public static class AdminAuthenticationExtensions
{
    /// <summary>
    /// Cookie sessions opened with the master key; every endpoint requires one unless it opts out
    /// (login, static assets) or is a health probe.
    /// </summary>
    public static IServiceCollection AddAdminAuthentication(this IServiceCollection services, string masterKey)
    {
        services.TryAddSingleton(new AdminAuthOptions());
        services.AddSingleton(sp => new MasterKeyGate(masterKey, sp.GetRequiredService<Stores.MasterKeyStore>(),
            sp.GetRequiredService<Gateway.State.RedisConnection>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<AdminAuthOptions>()));
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<AdminCookieEvents>();

        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<AdminAuthOptions>((cookie, options) =>
            {
                cookie.Cookie.Name = AdminAuthOptions.CookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = options.IdleTimeout;
                cookie.SlidingExpiration = true;
                cookie.LoginPath = AdminPaths.Login;
                cookie.LogoutPath = AdminPaths.Logout;
                cookie.AccessDeniedPath = AdminPaths.Login;
                cookie.EventsType = typeof(AdminCookieEvents);
            });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder()
                .RequireAssertion(context =>
                    context.User.Identity?.IsAuthenticated == true
                    || (context.Resource is HttpContext http && AdminPaths.IsProbe(http.Request.Path)))
                .Build());
        return services;
    }
}
