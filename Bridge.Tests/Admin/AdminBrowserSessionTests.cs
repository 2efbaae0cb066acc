using Bridge.Admin.Auth;
using Bridge.Admin.Stores;
using Bridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Bridge.Tests.Admin;

/// <summary>
/// An open admin page in a real browser (Chromium via Playwright, found by <see cref="Browser"/>) is sent to the login page, without a
/// click or a reload, soon after the master key it signed in with is revoked elsewhere.
/// </summary>
public sealed class AdminBrowserSessionTests : IAsyncLifetime
{

    private readonly GarnetInstance _garnet = new();
    private AdminHost _admin = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _admin = await AdminHost.StartAsync(settings: [new("ConnectionStrings:redis", _garnet.ConnectionString)], configure: builder =>
        {
            builder.WebHost.UseStaticWebAssets();
            builder.Services.AddSingleton(new AdminAuthOptions { SessionRevalidationInterval = TimeSpan.FromMilliseconds(500) });
        });
        _playwright = await Playwright.CreateAsync();
        _browser = await Browser.LaunchAsync(_playwright);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _admin.DisposeAsync();
        _garnet.Dispose();
    }

    [Fact]
    public async Task OpenPage_GoesToLogin_WhenItsMasterKeyIsRevoked()
    {
        var store = _admin.Services.GetRequiredService<MasterKeyStore>();
        var laptop = await store.CreateAsync("laptop");
        var admin = _admin.BaseAddress.ToString();
        var page = await _browser.NewPageAsync();
        page.SetDefaultTimeout(Browser.StepTimeoutMs);

        await page.GotoAsync(admin + "master-keys");
        await page.FillAsync("#key", laptop.Key);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(admin + "master-keys");
        await page.WaitForSelectorAsync("#interactive-ready", new PageWaitForSelectorOptions { Timeout = 15_000 });
        await page.WaitForSelectorAsync("#master-keys-table");

        Assert.Equal(MasterKeyRevocation.Revoked, await store.RevokeAsync(laptop.Record.Id));

        // Interval 0.5 s here; the bound is loose because the suite shares two cores with a browser.
        await page.WaitForURLAsync(url => url.StartsWith(admin + "login", StringComparison.Ordinal), new PageWaitForURLOptions { Timeout = 10_000 });
        await page.WaitForSelectorAsync("#key");
        Assert.Equal(0, await page.Locator("#master-keys-table").CountAsync());
    }
}
