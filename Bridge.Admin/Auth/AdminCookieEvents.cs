using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Bridge.Admin.Auth;

/// <summary>Ends stale sessions, and answers API and circuit requests with status codes instead of redirects.</summary>
public sealed class AdminCookieEvents(MasterKeyGate gate, TimeProvider time) : CookieAuthenticationEvents
{
    // Set when the handler renews the cookie on this response (sliding expiration), so its expiry moves.
    private static readonly object RenewedItem = new();

    public override Task CheckSlidingExpiration(CookieSlidingExpirationContext context)
    {
        if (context.ShouldRenew) context.HttpContext.Items[RenewedItem] = true;
        return base.CheckSlidingExpiration(context);
    }

    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        if (context.Principal is { } principal && await gate.IsCurrentAsync(principal, context.HttpContext.RequestAborted))
        {
            // For this request only (the handler renews from its own copy): a circuit opened by it ends with the cookie.
            var endsAt = context.HttpContext.Items.ContainsKey(RenewedItem) ? time.GetUtcNow() + context.Options.ExpireTimeSpan : context.Properties.ExpiresUtc;
            if (endsAt is { } end) context.ReplacePrincipal(MasterKeyGate.WithSessionEnd(principal, end));
            return;
        }
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }

    public override Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context)
    {
        if (!AdminPaths.IsApi(context.Request.Path)) return base.RedirectToLogin(context);
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }

    public override Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context)
    {
        if (!AdminPaths.IsApi(context.Request.Path)) return base.RedirectToAccessDenied(context);
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }
}
