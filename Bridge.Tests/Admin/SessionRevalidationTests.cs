using Bridge.Admin.Auth;
using Bridge.Admin.Stores;
using Bridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Admin;

/// <summary>
/// An open admin page is a Blazor circuit that makes no HTTP request the cookie check could refuse. The admin's own
/// <see cref="AuthenticationStateProvider"/> (what every circuit gets) re-checks the session on an interval; here the
/// interval is short and the circuits are the provider as a circuit scope holds it, started with a signed-in user.
/// </summary>
public sealed class SessionRevalidationTests : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    private readonly GarnetInstance _garnet = new();
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private AdminHost _host = null!;

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    public async Task InitializeAsync() => _host = await AdminHost.StartAsync(
        settings: [new("ConnectionStrings:redis", _garnet.ConnectionString)],
        configure: builder =>
        {
            builder.Services.AddSingleton(new AdminAuthOptions { SessionRevalidationInterval = Interval, IdleTimeout = TimeSpan.FromHours(1) });
            builder.Services.AddSingleton<TimeProvider>(_clock);
        });

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _garnet.Dispose();
    }

    [Fact]
    public async Task ACircuit_BecomesAnonymous_SoonAfterItsMasterKeyIsRevoked_OthersStay()
    {
        var store = _host.Services.GetRequiredService<MasterKeyStore>();
        var created = await store.CreateAsync("laptop");
        await using var revoked = await OpenCircuitAsync(created.Key);
        await using var kept = await OpenCircuitAsync(AdminHost.MasterKey);
        await Task.Delay(Interval * 3);
        Assert.False(revoked.SignedOut.IsCompleted, "a valid session was dropped");

        Assert.Equal(MasterKeyRevocation.Revoked, await store.RevokeAsync(created.Record.Id));

        await revoked.SignedOut.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False((await revoked.Provider.GetAuthenticationStateAsync()).User.Identity?.IsAuthenticated);
        await Task.Delay(Interval * 3);
        Assert.False(kept.SignedOut.IsCompleted, "a session opened with another key was dropped");
        Assert.True((await kept.Provider.GetAuthenticationStateAsync()).User.Identity?.IsAuthenticated);
    }

    [Fact]
    public async Task ACircuit_EndsWhenItsCookieExpires()
    {
        // Signed in over HTTP; the circuit's user is what the cookie check makes of that cookie on a later request.
        using var browser = _host.CreateClient();
        using var signedIn = await AdminHost.SignInAsync(browser, AdminHost.MasterKey);
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("bridge_admin=", StringComparison.Ordinal)).Split(';')[0];
        await using var scope = _host.Services.CreateAsyncScope();
        var request = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        request.Request.Headers.Cookie = cookie;
        var user = (await request.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme)).Principal
            ?? throw new InvalidOperationException("the cookie does not authenticate");
        await using var circuit = await OpenCircuitAsync(user);
        await Task.Delay(Interval * 3);
        Assert.False(circuit.SignedOut.IsCompleted, "a live session was dropped");

        _clock.Now += TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1); // no request in between: the cookie has expired

        await circuit.SignedOut.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private async Task<Circuit> OpenCircuitAsync(string key)
    {
        var gate = _host.Services.GetRequiredService<MasterKeyGate>();
        var identity = await gate.VerifyAsync(key) ?? throw new InvalidOperationException("the key does not sign in");
        return await OpenCircuitAsync(gate.CreatePrincipal(identity));
    }

    private Task<Circuit> OpenCircuitAsync(System.Security.Claims.ClaimsPrincipal user)
    {
        var scope = _host.Services.CreateAsyncScope();
        var provider = scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        var signedOut = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.AuthenticationStateChanged += async state =>
        {
            if ((await state).User.Identity?.IsAuthenticated != true) signedOut.TrySetResult();
        };
        // What the framework does when a circuit starts: hand the provider the connection's user.
        ((IHostEnvironmentAuthenticationStateProvider)provider).SetAuthenticationState(Task.FromResult(new AuthenticationState(user)));
        return Task.FromResult(new Circuit(scope, provider, signedOut.Task));
    }

    private sealed record Circuit(AsyncServiceScope Scope, AuthenticationStateProvider Provider, Task SignedOut) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Scope.DisposeAsync();
    }
}
