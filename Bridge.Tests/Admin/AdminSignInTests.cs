using System.Diagnostics;
using System.Net;

namespace Bridge.Tests.Admin;

public sealed class AdminSignInTests(AdminHostFixture fixture) : IClassFixture<AdminHostFixture>
{
    private AdminHost Host => fixture.Host;

    [Fact]
    public async Task Unauthenticated_Page_RedirectsToLogin()
    {
        using var client = Host.CreateClient();

        using var response = await client.GetAsync("models");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location!.AbsolutePath);
        Assert.Contains("ReturnUrl=%2Fmodels", response.Headers.Location.Query);
    }

    [Theory]
    [InlineData("api/keys")]
    [InlineData("_blazor/negotiate")]
    public async Task Unauthenticated_ApiPath_Returns401(string path)
    {
        using var client = Host.CreateClient();

        using var response = await client.PostAsync(path, null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("health")]
    [InlineData("alive")]
    public async Task HealthProbes_AnswerWithoutSession(string path)
    {
        using var client = Host.CreateClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task LoginPage_IsPublic_AndCarriesAntiforgeryToken()
    {
        using var client = Host.CreateClient();

        var token = await AdminHost.AntiforgeryTokenFromAsync(client, "login");

        Assert.NotEmpty(token);
    }

    [Fact]
    public async Task WrongKey_IsRefusedSlowly_WithGenericMessage_AndNoSession()
    {
        using var client = Host.CreateClient();
        var token = await AdminHost.AntiforgeryTokenFromAsync(client, "login");

        var clock = Stopwatch.StartNew();
        using var refused = await AdminHost.PostFormAsync(client, "login",
            ("__RequestVerificationToken", token), ("key", AdminHost.MasterKey + "x"), ("returnUrl", "/models"));
        clock.Stop();

        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/login?error=invalid", refused.Headers.Location!.OriginalString);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(950), $"refusal took only {clock.Elapsed.TotalMilliseconds} ms");
        Assert.False(refused.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("bridge_admin=", StringComparison.Ordinal)));

        var page = await client.GetStringAsync(refused.Headers.Location);
        Assert.Contains("Invalid key.", page);

        using var stillOut = await client.GetAsync("models");
        Assert.Equal(HttpStatusCode.Redirect, stillOut.StatusCode);
    }

    [Fact]
    public async Task LoginPost_WithoutAntiforgeryToken_IsRejected()
    {
        using var client = Host.CreateClient();
        await client.GetStringAsync("login"); // has the antiforgery cookie, but the form lacks the token

        using var response = await AdminHost.PostFormAsync(client, "login", ("key", AdminHost.MasterKey));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var stillOut = await client.GetAsync("");
        Assert.Equal(HttpStatusCode.Redirect, stillOut.StatusCode);
    }

    [Fact]
    public async Task RightKey_OpensSession_PagesListConfig_KeyNeverInHtml_LogoutEndsIt()
    {
        using var client = Host.CreateClient();
        var pages = new List<string> { await client.GetStringAsync("login") };

        using var signedIn = await AdminHost.SignInAsync(client, AdminHost.MasterKey, "/models");

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/models", signedIn.Headers.Location!.OriginalString);
        var cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("bridge_admin=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        var models = await client.GetStringAsync("models");
        pages.Add(models);
        Assert.Contains("gpt-4o-test", models);
        Assert.Contains("claude-test", models);
        Assert.Contains("gpt4o-deployment-x", models);
        Assert.Contains("example-resource.openai.azure.com", models);
        Assert.Contains("BRIDGE_ADMIN_TEST_UNSET_VAR", models); // the unavailable reason
        Assert.DoesNotContain("do-not-show", models);          // api_base query string
        Assert.DoesNotContain("upstream-key-not-shown", models);

        var aliases = await client.GetStringAsync("aliases");
        pages.Add(aliases);
        Assert.Contains("alias-table", aliases);
        Assert.Contains("sonnet-alias", aliases);
        Assert.Contains("dangling-alias", aliases);
        Assert.Contains("no such model", aliases);
        Assert.Contains("Redis-backed aliases", aliases);

        var overview = await client.GetStringAsync("");
        pages.Add(overview);
        Assert.Contains("general_settings.master_key", overview);
        Assert.Contains("not configured", overview);

        foreach (var html in pages) Assert.DoesNotContain(AdminHost.MasterKey, html);

        var token = await AdminHost.AntiforgeryTokenFromAsync(client, "models");
        using var signedOut = await AdminHost.PostFormAsync(client, "logout", ("__RequestVerificationToken", token));
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal("/login", signedOut.Headers.Location!.OriginalString);

        using var afterLogout = await client.GetAsync("models");
        Assert.Equal(HttpStatusCode.Redirect, afterLogout.StatusCode);
        Assert.Equal("/login", afterLogout.Headers.Location!.AbsolutePath);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    public async Task SignIn_IgnoresForeignReturnUrl(string returnUrl)
    {
        using var client = Host.CreateClient();

        using var signedIn = await AdminHost.SignInAsync(client, AdminHost.MasterKey, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/", signedIn.Headers.Location!.OriginalString);
    }
}
