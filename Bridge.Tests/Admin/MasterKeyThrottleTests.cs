using System.Net;
using Bridge.Admin.Auth;
using Bridge.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Admin;

/// <summary>
/// Master-key guesses count per client address on every door (sign-in page, <c>/api</c>, <c>/key/*</c>), and the
/// address is the one a trusted proxy (loopback, here: the test client) forwards in <c>X-Forwarded-For</c>.
/// </summary>
public sealed class MasterKeyThrottleTests : IAsyncLifetime
{
    private readonly GarnetInstance _garnet = new();
    private AdminHost _host = null!;

    public async Task InitializeAsync() => _host = await AdminHost.StartAsync(settings: [new("ConnectionStrings:redis", _garnet.ConnectionString)], configure: builder =>
        builder.Services.AddSingleton(new AdminAuthOptions
        {
            FailuresBeforeLockout = 3,
            FirstLockout = TimeSpan.FromMinutes(1),
            FailureDelay = TimeSpan.Zero,
        }));

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _garnet.Dispose();
    }

    [Fact]
    public async Task SignIn_ThrottleKeysOnTheForwardedAddress()
    {
        using var guesser = _host.CreateClient();
        guesser.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.20");
        using var neighbour = _host.CreateClient();
        neighbour.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.21");

        for (var i = 0; i < 3; i++)
        {
            using var refused = await AdminHost.SignInAsync(guesser, "sk-guess-000000000000000000000");
            Assert.StartsWith("/login?error=invalid", refused.Headers.Location!.OriginalString);
        }
        using var throttled = await AdminHost.SignInAsync(guesser, AdminHost.MasterKey);
        Assert.StartsWith("/login?error=throttled", throttled.Headers.Location!.OriginalString);

        using var signedIn = await AdminHost.SignInAsync(neighbour, AdminHost.MasterKey);
        Assert.Equal("/", signedIn.Headers.Location!.OriginalString);
    }
}
