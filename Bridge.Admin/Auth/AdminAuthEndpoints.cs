using Bridge.Admin.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Bridge.Admin.Auth;

/// <summary><c>POST /login</c> and <c>POST /logout</c>: plain form posts, so they work before any circuit exists.</summary>
public static class AdminAuthEndpoints
{
    public static IEndpointRouteBuilder MapAdminAuthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // Ordered before the login page's own endpoint, which also accepts POST.
        endpoints.MapPost(AdminPaths.Login, SignInAsync).AllowAnonymous().WithOrder(-1).DisableAntiforgery();
        endpoints.MapPost(AdminPaths.Logout, SignOutAsync).WithOrder(-1).DisableAntiforgery();
        return endpoints;
    }

    // Antiforgery is checked explicitly (not inferred from form binding) so both endpoints visibly enforce it.
    private static async Task<IResult> SignInAsync(
        HttpContext http, IAntiforgery antiforgery, MasterKeyGate gate, LoginThrottle throttle,
        AdminAuthOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(AdminAuthEndpoints));
        var client = ClientAddress.Of(http);
        if (!http.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(http))
        {
            AdminLog.AntiforgeryRejected(logger, AdminPaths.Login, client);
            return Results.BadRequest("The sign-in form has expired. Reload the page and try again.");
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var returnUrl = AdminPaths.SafeReturnUrl(form["returnUrl"]);

        if (throttle.RetryAfter(client) is { } wait)
        {
            AdminLog.SignInThrottled(logger, client, (int)Math.Ceiling(wait.TotalSeconds));
            await Task.Delay(options.FailureDelay, time, http.RequestAborted);
            return Results.LocalRedirect(AdminPaths.LoginWith("throttled", returnUrl));
        }

        var key = await gate.VerifyAsync(form["key"], http.RequestAborted);
        if (key is null)
        {
            var failures = throttle.RecordFailure(client);
            AdminLog.SignInFailed(logger, client, failures);
            await Task.Delay(options.FailureDelay, time, http.RequestAborted);
            return Results.LocalRedirect(AdminPaths.LoginWith("invalid", returnUrl));
        }

        throttle.RecordSuccess(client);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, gate.CreatePrincipal(key),
            new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
        AdminLog.SignedIn(logger, client);
        return Results.LocalRedirect(returnUrl);
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, IAntiforgery antiforgery, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(AdminAuthEndpoints));
        var client = ClientAddress.Of(http);
        if (!http.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(http))
        {
            AdminLog.AntiforgeryRejected(logger, AdminPaths.Logout, client);
            return Results.BadRequest("The sign-out form has expired. Reload the page and try again.");
        }
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        AdminLog.SignedOut(logger, client);
        return Results.LocalRedirect(AdminPaths.Login);
    }
}
