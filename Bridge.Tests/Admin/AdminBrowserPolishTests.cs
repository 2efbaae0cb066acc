using System.Text.Json;
using Bridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;

namespace Bridge.Tests.Admin;

/// <summary>
/// The admin's finish, checked in a real browser (Chromium through Playwright): no focus rectangle on a page title
/// after navigating, a navigation column as tall as the window, tables that use their width without cutting text
/// while there is room (and give the full text on hover), a favicon, and a title on every page.
/// </summary>
public sealed class AdminBrowserPolishTests : IAsyncLifetime
{
    private const string LongModel = "a-deliberately-long-upstream-deployment-name-2025-12-01-preview";
    private GarnetInstance _garnet = null!;
    private AdminHost _admin = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _garnet = new GarnetInstance();
        var yaml = $$"""
            model_list:
              - model_name: polish-model-with-a-rather-long-name
                litellm_params: { model: openai/{{LongModel}}, api_base: https://upstream.example.com/v1, api_key: not-shown }
              - model_name: short
                litellm_params: { model: openai/gpt-4o, api_key: not-shown }
            general_settings:
              master_key: {{AdminHost.MasterKey}}
            """;
        _admin = await AdminHost.StartAsync(yaml, [new("ConnectionStrings:redis", _garnet.ConnectionString)],
            configure: builder => builder.WebHost.UseStaticWebAssets());
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

    private async Task<IPage> SignedInAsync(string path)
    {
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        page.SetDefaultTimeout(Browser.StepTimeoutMs);
        var admin = _admin.BaseAddress.ToString();
        await page.GotoAsync(admin + path);
        await page.FillAsync("#key", AdminHost.MasterKey);
        await page.ClickAsync("button[type=submit]");
        // Not WaitForURLAsync: for the overview the sign-in page has the same URL, so it matched at once and then
        // waited for a load event the form's navigation had already fired (a 90 s timeout under load in the suite).
        await page.WaitForSelectorAsync("#interactive-ready", new PageWaitForSelectorOptions { Timeout = 30_000 });
        Assert.Equal(admin + path, page.Url);
        return page;
    }

    [Fact]
    public async Task PageTitle_HasNoFocusOutline_AfterLoadingOrNavigating()
    {
        var page = await SignedInAsync("");
        // Blazor focuses the title for screen readers; it must not draw a rectangle around it: after a page load, and
        // after following a link with the keyboard (where the browser shows focus rings).
        await page.GotoAsync(_admin.BaseAddress + "usage");
        await page.WaitForSelectorAsync("#interactive-ready");
        await AssertTitleFocusedWithoutOutlineAsync(page, "Usage");

        await page.Locator("nav a[href='deployments']").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await AssertTitleFocusedWithoutOutlineAsync(page, "Deployments");
    }

    private static async Task AssertTitleFocusedWithoutOutlineAsync(IPage page, string title)
    {
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(title);
        await page.WaitForFunctionAsync("t => document.activeElement && document.activeElement.tagName === 'H1' && document.activeElement.textContent === t", title,
            new() { Timeout = 10_000 });
        var outline = await page.EvaluateAsync<string>("() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle + ' ' + s.outlineWidth; }");
        Assert.True(outline.StartsWith("none", StringComparison.Ordinal) || outline.EndsWith(" 0px", StringComparison.Ordinal), $"the focused title has an outline: {outline}");
    }

    [Fact]
    public async Task NavigationColumn_IsAsTallAsTheWindow()
    {
        var page = await SignedInAsync("deployments");
        var heights = await page.EvaluateAsync<JsonElement>("""
            () => {
              const header = document.querySelector('.admin-header').getBoundingClientRect();
              const nav = document.querySelector('.admin-nav');
              const menu = nav.firstElementChild.getBoundingClientRect();
              return { window: window.innerHeight, header: header.height, nav: nav.getBoundingClientRect().height, menu: menu.height };
            }
            """);
        var expected = heights.GetProperty("window").GetDouble() - heights.GetProperty("header").GetDouble();
        Assert.InRange(heights.GetProperty("nav").GetDouble(), expected - 1, expected + 1);
        Assert.InRange(heights.GetProperty("menu").GetDouble(), expected - 1, expected + 1);
    }

    [Fact]
    public async Task Tables_UseTheirWidth_CutNothingWhileThereIsRoom_AndShowFullTextOnHover()
    {
        var page = await SignedInAsync("deployments");
        var table = page.Locator("#deployments-table");
        await Assertions.Expect(table).ToContainTextAsync(LongModel);
        var layout = await table.EvaluateAsync<JsonElement>("""
            t => ({
              table: t.getBoundingClientRect().width,
              container: (p => p.clientWidth - parseFloat(getComputedStyle(p).paddingLeft) - parseFloat(getComputedStyle(p).paddingRight))(t.parentElement),
              cut: [...t.querySelectorAll('td, th')].filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent.trim()),
            })
            """);
        Assert.True(layout.GetProperty("cut").GetArrayLength() == 0, layout.ToString());
        Assert.True(layout.GetProperty("table").GetDouble() >= layout.GetProperty("container").GetDouble() - 2,
            $"the table is {layout.GetProperty("table")} px wide in a {layout.GetProperty("container")} px column");
        // The long name carries its full text as a tooltip, for narrower windows.
        Assert.Equal(LongModel, await table.Locator($"td[title='{LongModel}']").First.GetAttributeAsync("title"));
    }

    [Fact]
    public async Task EveryPage_HasATitle_AndTheAdminHasAFavicon()
    {
        var page = await SignedInAsync("");
        var admin = _admin.BaseAddress.ToString();
        foreach (var (path, title) in new[] { ("", "Overview"), ("keys", "Keys"), ("usage", "Usage"), ("requests", "Requests"), ("aliases", "Aliases"),
                     ("deployments", "Deployments"), ("master-keys", "Master keys") })
        {
            await page.GotoAsync(admin + path);
            await Assertions.Expect(page).ToHaveTitleAsync($"{title} · Bridge admin");
        }
        var icon = await page.Locator("link[rel=icon]").GetAttributeAsync("href", new() { Timeout = 5_000 });
        Assert.NotNull(icon);
        var response = await page.APIRequest.GetAsync(new Uri(new Uri(admin), icon).ToString());
        Assert.Equal(200, response.Status);
        Assert.StartsWith("image/", response.Headers["content-type"]);

        // The sign-in page too (it is served before any session).
        var anonymous = await _browser.NewPageAsync();
        await anonymous.GotoAsync(admin + "login");
        Assert.NotNull(await anonymous.Locator("link[rel=icon]").GetAttributeAsync("href", new() { Timeout = 5_000 }));
    }
}
