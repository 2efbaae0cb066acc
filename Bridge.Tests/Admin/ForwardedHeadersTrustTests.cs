using System.Net;
using Bridge.Admin.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Admin;

/// <summary>
/// The test client connects from 127.0.0.1, like a loopback forwarder (Aspire's proxy, <c>kubectl port-forward</c>)
/// that passes a client's own <c>X-Forwarded-*</c> headers through: they count only when <c>Bridge:TrustedProxies</c> says so.
/// </summary>
public sealed class ForwardedHeadersTrustTests
{
    private static Task<AdminHost> StartAsync(string? trustedProxies, string? hops = null)
    {
        List<KeyValuePair<string, string?>> settings = [];
        if (trustedProxies is not null) settings.Add(new("Bridge:TrustedProxies", trustedProxies));
        if (hops is not null) settings.Add(new("Bridge:TrustedProxyHops", hops));
        return AdminHost.StartAsync(
            settings: settings,
            configure: builder => builder.Services.AddSingleton(new AdminAuthOptions
            {
                FailuresBeforeLockout = 3,
                FirstLockout = TimeSpan.FromMinutes(1),
                FailureDelay = TimeSpan.Zero,
            }));
    }

    [Theory]
    [InlineData(null, true)]          // nothing trusted: forged addresses are ignored, the guesses all count against 127.0.0.1
    [InlineData("10.0.0.5", true)]    // another proxy trusted: loopback still is not
    [InlineData("127.0.0.1", false)]  // loopback listed: each forwarded address is its own client
    public async Task ForgedForwardedFor_CountsOnlyWhenTheProxyIsTrusted(string? trustedProxies, bool lockedOut)
    {
        await using var host = await StartAsync(trustedProxies);

        for (var i = 1; i <= 3; i++)
        {
            using var guesser = host.CreateClient();
            guesser.DefaultRequestHeaders.Add("X-Forwarded-For", $"198.51.100.{i}");
            using var refused = await AdminHost.SignInAsync(guesser, "sk-guess-000000000000000000000");
            Assert.StartsWith("/login?error=invalid", refused.Headers.Location!.OriginalString);
        }

        using var next = host.CreateClient();
        next.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.4");
        using var signIn = await AdminHost.SignInAsync(next, AdminHost.MasterKey);
        Assert.Equal(lockedOut ? "/login?error=throttled" : "/", signIn.Headers.Location!.OriginalString);

        // The management API shares the count: a forged address does not get round it either.
        using var api = new HttpClient { BaseAddress = host.BaseAddress };
        api.DefaultRequestHeaders.Add("Authorization", "Bearer sk-guess-000000000000000000000");
        api.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.5");
        using var guess = await api.GetAsync("api/master-keys");
        Assert.Equal(lockedOut ? HttpStatusCode.TooManyRequests : HttpStatusCode.Unauthorized, guess.StatusCode);
    }

    [Theory]
    [InlineData(null, null, false)]
    [InlineData(null, "https", false)]        // nothing trusted: a client cannot claim https
    [InlineData("10.0.0.5", "https", false)]
    [InlineData("127.0.0.1", "https", true)]  // a TLS-terminating proxy on loopback, listed
    [InlineData("::1, 127.0.0.1", "https", true)]
    [InlineData("127.0.0.1", "http", false)]
    [InlineData("127.0.0.1", null, false)]
    public async Task SessionCookie_IsSecure_OnlyWhenATrustedProxySaysHttps(string? trustedProxies, string? forwardedProto, bool secure)
    {
        await using var host = await StartAsync(trustedProxies);
        using var client = host.CreateClient();
        if (forwardedProto is not null) client.DefaultRequestHeaders.Add("X-Forwarded-Proto", forwardedProto);

        using var signedIn = await AdminHost.SignInAsync(client, AdminHost.MasterKey);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("bridge_admin=", StringComparison.Ordinal));
        Assert.Equal(secure, cookie.Split(';').Any(part => part.Trim().Equals("secure", StringComparison.OrdinalIgnoreCase)));
    }

    [Theory]
    [InlineData(null, true)]  // one proxy: only the entry it appended is read
    [InlineData("2", false)]  // two trusted proxies in a row: the one before it is read too
    public async Task OnlyAsManyEntriesAsTrustedHops_AreRead(string? hops, bool lockedOut)
    {
        // A host inside a trusted network (10.1.2.3, appended by the loopback proxy) puts forged addresses in front.
        await using var host = await StartAsync("127.0.0.1, 10.0.0.0/8", hops);
        for (var i = 1; i <= 3; i++)
        {
            using var guesser = host.CreateClient();
            guesser.DefaultRequestHeaders.Add("X-Forwarded-For", $"203.0.113.{i}, 10.1.2.3");
            using var refused = await AdminHost.SignInAsync(guesser, "sk-guess-000000000000000000000");
            Assert.StartsWith("/login?error=invalid", refused.Headers.Location!.OriginalString);
        }

        using var next = host.CreateClient();
        next.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.4, 10.1.2.3");
        using var signIn = await AdminHost.SignInAsync(next, AdminHost.MasterKey);

        Assert.Equal(lockedOut ? "/login?error=throttled" : "/", signIn.Headers.Location!.OriginalString);
    }
}
