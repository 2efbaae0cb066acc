using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Bridge.Admin.Stores;
using Bridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Bridge.Tests.Admin;

/// <summary>
/// The story in a real browser (Chromium driven by Playwright, found by <see cref="Browser"/>), against real servers on loopback:
/// Garnet, a fake OpenAI upstream, the gateway and the admin. Sign in, create a key, read its value off the page,
/// call the gateway with it, see the request in Usage, change an alias and see the gateway follow, revoke the key
/// and see the gateway refuse it. A screenshot of every page lands in TestResults/screenshots.
/// </summary>
public sealed class AdminBrowserStoryTests : IAsyncLifetime
{
    private GarnetInstance _garnet = null!;
    private FakeUpstream _upstream = null!;
    private GatewayHost _gateway = null!;
    private AdminHost _admin = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    private static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        _garnet = new GarnetInstance();
        _upstream = await FakeUpstream.StartAsync();
        var yaml = $$"""
            model_list:
              - model_name: model-a
                litellm_params: { model: openai/gpt-4o, api_base: {{_upstream.BaseUrl}}/v1, api_key: upstream-key-a }
              - model_name: model-b
                litellm_params: { model: openai/gpt-4o-mini, api_base: {{_upstream.BaseUrl}}/v1, api_key: upstream-key-b }
            litellm_settings:
              model_alias_map:
                team-model: model-a
            general_settings:
              master_key: {{GatewayHost.MasterKey}}
            """;
        _gateway = await GatewayHost.StartAsync(yaml, new Dictionary<string, string?> { ["ConnectionStrings:redis"] = _garnet.ConnectionString });
        _admin = await AdminHost.StartAsync(yaml, [
            new("ConnectionStrings:redis", _garnet.ConnectionString),
            new("Bridge:GatewayUrl", _gateway.BaseUrl),
        ],
        // Outside Development, static assets (blazor.web.js, Fluent UI) come from a publish folder; here, from the build's manifest.
        configure: builder => builder.WebHost.UseStaticWebAssets());
        _playwright = await Playwright.CreateAsync();
        _browser = await Browser.LaunchAsync(_playwright);
        Directory.CreateDirectory(Screenshots);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _admin.DisposeAsync();
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        _garnet.Dispose();
    }

    [Fact]
    public async Task Story_SignIn_CreateKey_CallGateway_SeeUsage_ChangeAlias_RevokeKey()
    {
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        page.SetDefaultTimeout(Browser.StepTimeoutMs);
        var admin = _admin.BaseAddress.ToString();
        var console = new List<string>();
        page.Console += (_, message) => console.Add($"{message.Type}: {message.Text}");
        page.PageError += (_, error) => console.Add("page error: " + error);
        try
        {
            await RunStoryAsync(page, admin);
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException || console.Count > 0)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "failure.png"), FullPage = true });
            throw new InvalidOperationException($"{ex.Message}\nat {page.Url}\nbrowser console:\n{string.Join('\n', console)}", ex);
        }
    }

    private async Task RunStoryAsync(IPage page, string admin)
    {

        // Sign in with the master key.
        await page.GotoAsync(admin + "keys");
        await page.FillAsync("#key", GatewayHost.MasterKey);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(admin + "keys");
        await WaitInteractiveAsync(page);
        await ShotAsync(page, "overview", admin);

        // Create a key and read its value, shown once.
        await page.GotoAsync(admin + "keys");
        await WaitInteractiveAsync(page);
        await page.ClickAsync("#new-key-button");
        await FillAsync(page, "#key-name", "story-laptop");
        await FillAsync(page, "#key-owner", "dev-one");
        await FillAsync(page, "#key-budget", "20");
        await page.SelectOptionAsync("#key-budget-duration", "1mo");
        await FillAsync(page, "#key-rpm", "60");
        await page.ClickAsync("#key-save");
        var value = (await page.Locator("#new-key-value").TextContentAsync())!.Trim();
        Assert.StartsWith("sk-", value);
        await page.ClickAsync("#new-key-done");
        await Assertions.Expect(page.Locator("#new-key-value")).ToHaveCountAsync(0);
        Assert.DoesNotContain(value, await page.ContentAsync()); // gone from the page once dismissed
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "keys.png"), FullPage = true });

        // With the Usage page open, the gateway accepts the new key; the alias leads to model-a (gpt-4o upstream).
        await page.GotoAsync(admin + "usage");
        await WaitInteractiveAsync(page);
        using var client = _gateway.CreateClient(key: null);
        client.DefaultRequestHeaders.Add("x-api-key", value);
        client.DefaultRequestHeaders.Add("x-claude-code-session-id", "story-session-0001"); // a Claude Code conversation
        using (var response = await SendAsync(client, "team-model"))
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK,
                $"the gateway answered {(int)response.StatusCode} to a virtual key: {await response.Content.ReadAsStringAsync()}");
        }
        Assert.Equal("gpt-4o", UpstreamModelOf(_upstream.LastRequest));

        // The request shows up on the open Usage page by itself, without a reload.
        await Assertions.Expect(page.Locator("#recent-requests")).ToContainTextAsync("story-laptop", new() { Timeout = 15_000 });
        // Prompt-cache hit rate and savings, in the totals and per model (this upstream reports no cached tokens).
        await Assertions.Expect(page.Locator("#usage-hit-rate")).ToHaveTextAsync("0.0%", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#usage-by-model .cache-hit-rate").First).ToHaveTextAsync("0.0%");
        // The conversation is a session of the last 24 hours, under its key, named by a hash and never by its id.
        await Assertions.Expect(page.Locator("#usage-sessions")).ToContainTextAsync("story-laptop", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#usage-sessions .session-label")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9a-f]{16}$"));
        Assert.DoesNotContain("story-session-0001", await page.ContentAsync());
        await ShotAsync(page, "usage", admin, navigate: false);

        // Point the alias at model-b; the gateway follows without a restart.
        await page.GotoAsync(admin + "aliases");
        await WaitInteractiveAsync(page);
        await FillAsync(page, "#alias-name", "team-model");
        await page.SelectOptionAsync("#alias-target", "model-b");
        await page.ClickAsync("#alias-save");
        await Assertions.Expect(page.Locator("#alias-message")).ToContainTextAsync("model-b");
        await ShotAsync(page, "aliases", admin, navigate: false);
        await EventuallyAsync(async () =>
        {
            using var response = await SendAsync(client, "team-model");
            return response.StatusCode == HttpStatusCode.OK && UpstreamModelOf(_upstream.LastRequest) == "gpt-4o-mini";
        }, TimeSpan.FromSeconds(5), "the gateway did not follow the alias change");

        // Revoke the key in the browser; the gateway refuses it soon after (pub/sub: normally well under a second;
        // the bound is loose because the whole suite shares two cores with a browser).
        var id = (await _admin.Services.GetRequiredService<VirtualKeyStore>().SearchAsync("story-laptop")).Single().Id;
        await page.GotoAsync(admin + "keys");
        await WaitInteractiveAsync(page);
        await page.ClickAsync($"[data-key='{id}'] [data-action=revoke]");
        await page.ClickAsync($"[data-key='{id}'] [data-action=confirm-revoke]");
        await Assertions.Expect(page.Locator("#keys-message")).ToContainTextAsync("Revoked");
        await EventuallyAsync(async () =>
        {
            using var response = await SendAsync(client, "model-a");
            return response.StatusCode == HttpStatusCode.Unauthorized;
        }, TimeSpan.FromSeconds(5), "the gateway still accepts the revoked key");

        await ShotAsync(page, "master-keys", admin);
        await ShotAsync(page, "deployments", admin);
        CopyForReadme("keys", "usage");
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string model) =>
        await client.PostAsync("/v1/messages", new StringContent(
            $$"""{"model": "{{model}}", "max_tokens": 64, "messages": [{"role": "user", "content": "hello"}]}""", Encoding.UTF8, "application/json"));

    private static string? UpstreamModelOf(RecordedRequest request) => (string?)JsonNode.Parse(request.Body)!["model"];

    private static async Task WaitInteractiveAsync(IPage page) =>
        await page.WaitForSelectorAsync("#interactive-ready", new PageWaitForSelectorOptions { Timeout = 15_000 });

    /// <summary>Fills a plain input and leaves it, so Blazor's change binding fires.</summary>
    private static async Task FillAsync(IPage page, string selector, string text)
    {
        await page.FillAsync(selector, text);
        await page.Locator(selector).PressAsync("Tab");
    }

    private static async Task ShotAsync(IPage page, string name, string admin, bool navigate = true)
    {
        if (navigate)
        {
            await page.GotoAsync(admin + (name == "overview" ? "" : name));
            await WaitInteractiveAsync(page);
        }
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan within, string failure)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail(failure);
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// The README shows the keys and usage pages; with <c>BRIDGE_UPDATE_SCREENSHOTS=1</c> this run refreshes them
    /// (otherwise the screenshots stay in the test output only, and a test run leaves the work tree clean).
    /// </summary>
    private static void CopyForReadme(params string[] names)
    {
        if (Environment.GetEnvironmentVariable("BRIDGE_UPDATE_SCREENSHOTS") != "1") return;
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Bridge.sln"))) directory = directory.Parent;
        if (directory is null) return;
        var target = Directory.CreateDirectory(Path.Combine(directory.FullName, "docs", "screenshots")).FullName;
        foreach (var name in names) File.Copy(Path.Combine(Screenshots, name + ".png"), Path.Combine(target, name + ".png"), overwrite: true);
    }
}
