using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bridge.Admin.Auth;
using Bridge.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Admin;

/// <summary>
/// Master-key guesses count per client address on every door (sign-in page, <c>/api</c>, <c>/key/*</c>), and the
/// address is the one a trusted proxy (loopback, listed in <c>Bridge:TrustedProxies</c> here: the test client) forwards
/// in <c>X-Forwarded-For</c>. Unlisted proxies are not believed: <see cref="ForwardedHeadersTrustTests"/>.
/// </summary>
public sealed class MasterKeyThrottleTests : IAsyncLifetime
{
    private readonly GarnetInstance _garnet = new();
    private AdminHost _host = null!;

    public async Task InitializeAsync() => _host = await AdminHost.StartAsync(
        settings: [new("ConnectionStrings:redis", _garnet.ConnectionString), new("Bridge:TrustedProxies", "127.0.0.1")], configure: builder =>
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

    private HttpClient ApiClient(string key, string from)
    {
        var client = new HttpClient { BaseAddress = _host.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", from);
        return client;
    }

    [Theory]
    [InlineData("api/keys")]
    [InlineData("key/list")]
    public async Task Api_WrongKeysFromOneAddress_Get429_WithRetryAfter_OtherAddressesStillGetIn(string path)
    {
        using var guesser = ApiClient("sk-guess-000000000000000000000", "203.0.113.7");
        using var guesserWithTheKey = ApiClient(AdminHost.MasterKey, "203.0.113.7");
        using var neighbour = ApiClient(AdminHost.MasterKey, "203.0.113.8");

        for (var i = 0; i < 2; i++)
        {
            using var refused = await guesser.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        using var locked = await guesser.GetAsync(path);

        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        var wait = Assert.Single(locked.Headers.GetValues("Retry-After"));
        Assert.InRange(int.Parse(wait, System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        var error = (await locked.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal("rate_limit_error", (string?)error["type"]);
        Assert.Contains("retry in", (string?)error["message"]);

        // While locked out, even the right key is refused from that address: the answer gives nothing away.
        using var stillLocked = await guesserWithTheKey.GetAsync(path);
        Assert.Equal(HttpStatusCode.TooManyRequests, stillLocked.StatusCode);

        using var other = await neighbour.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
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
