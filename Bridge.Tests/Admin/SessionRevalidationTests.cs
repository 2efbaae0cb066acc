using Bridge.Admin.Auth;
using Bridge.Admin.Stores;
using Bridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Components.Authorization;
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
    private AdminHost _host = null!;

    public async Task InitializeAsync() => _host = await AdminHost.StartAsync(
        settings: [new("ConnectionStrings:redis", _garnet.ConnectionString)],
        configure: builder => builder.Services.AddSingleton(new AdminAuthOptions { SessionRevalidationInterval = Interval }));

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

    private async Task<Circuit> OpenCircuitAsync(string key)
    {
        var gate = _host.Services.GetRequiredService<MasterKeyGate>();
        var identity = await gate.VerifyAsync(key) ?? throw new InvalidOperationException("the key does not sign in");
        var scope = _host.Services.CreateAsyncScope();
        var provider = scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        var signedOut = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.AuthenticationStateChanged += async state =>
        {
            if ((await state).User.Identity?.IsAuthenticated != true) signedOut.TrySetResult();
        };
        // What the framework does when a circuit starts: hand the provider the connection's user.
        ((IHostEnvironmentAuthenticationStateProvider)provider).SetAuthenticationState(
            Task.FromResult(new AuthenticationState(gate.CreatePrincipal(identity))));
        return new Circuit(scope, provider, signedOut.Task);
    }

    private sealed record Circuit(AsyncServiceScope Scope, AuthenticationStateProvider Provider, Task SignedOut) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Scope.DisposeAsync();
    }
}
