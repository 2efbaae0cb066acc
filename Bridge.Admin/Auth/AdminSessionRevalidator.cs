using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace Bridge.Admin.Auth;

/// <summary>
/// A Blazor circuit keeps the user it started with: the cookie is checked on HTTP requests only, and an open tab makes
/// none. This re-checks the circuit's session every <see cref="AdminAuthOptions.SessionRevalidationInterval"/> with the
/// same rule as the cookie (<see cref="MasterKeyGate.IsCurrentAsync"/>: key still valid, absolute lifetime not over).
/// When it fails the circuit's user becomes anonymous: the router shows <c>RedirectToLogin</c> instead of the page,
/// so the page and its handlers are gone and the browser reloads through the cookie check to the login page.
/// </summary>
public sealed class AdminSessionRevalidator(ILoggerFactory loggers, MasterKeyGate gate, AdminAuthOptions options)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => options.SessionRevalidationInterval;

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        gate.IsCurrentAsync(authenticationState.User, cancellationToken);
}
