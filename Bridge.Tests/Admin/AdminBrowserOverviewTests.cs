using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Bridge.Tests.Admin;

/// <summary>
/// The live overview in a real browser (Chromium via Playwright, found by <see cref="Browser"/>): with the page open
/// and never reloaded, traffic through a real gateway (Garnet, a fake OpenAI upstream) moves its numbers, charts and
/// lists: requests per second, error rate, latency and time to first token, today's tokens, spend and cache hit rate,
/// the busiest key and model, and a deployment cooling down after a 429. A screenshot lands in TestResults/screenshots.
/// </summary>
public sealed class AdminBrowserOverviewTests : IAsyncLifetime
{
    private GarnetInstance _garnet = null!;
    private FakeUpstream _upstream = null!;
    private GatewayHost _gateway = null!;
    private AdminHost _admin = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private readonly LogCapture _adminLogs = new();

    private static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        _garnet = new GarnetInstance();
        _upstream = await FakeUpstream.StartAsync();
        // model-a answers (prompt 100 tokens, 40 of them from the provider's cache); model-b is rate limited (429 ->
        // cooldown of the deployment called; a group of one is never cooled down); model-c has no key, so it is unavailable from the start.
        _upstream.Handler = (ctx, request) =>
        {
            var body = JsonNode.Parse(request.Body)!;
            if ((string?)body["model"] == "gpt-4o-mini") return OpenAIResponses.WriteErrorAsync(ctx, 429, "slow down", "rate_limit_error", retryAfterSeconds: 60);
            return body["stream"]?.GetValue<bool>() == true
                ? OpenAIResponses.WriteSseAsync(ctx,
                [
                    OpenAIResponses.Chunk("""{"role":"assistant","content":"hel"}"""),
                    OpenAIResponses.Chunk("""{"content":"lo"}"""),
                    OpenAIResponses.Chunk("{}", "stop"),
                    OpenAIResponses.UsageChunk(100, 5, cachedTokens: 40),
                ])
                : OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("hello", promptTokens: 100, completionTokens: 5, cachedTokens: 40));
        };
        var yaml = $$"""
            model_list:
              - model_name: model-a
                litellm_params: { model: openai/gpt-4o, api_base: {{_upstream.BaseUrl}}/v1, api_key: upstream-key-a, input_cost_per_token: 0.0001, output_cost_per_token: 0.001 }
              - model_name: model-b
                litellm_params: { model: openai/gpt-4o-mini, api_base: {{_upstream.BaseUrl}}/v1, api_key: upstream-key-b }
              - model_name: model-b
                litellm_params: { model: openai/gpt-4o-mini, api_base: {{_upstream.BaseUrl}}/v1, api_key: upstream-key-b2 }
              - model_name: model-c
                litellm_params: { model: openai/gpt-4o, api_base: {{_upstream.BaseUrl}}/v1, api_key: os.environ/BRIDGE_OVERVIEW_TEST_UNSET }
            router_settings:
              num_retries: 0
            general_settings:
              master_key: {{GatewayHost.MasterKey}}
            """;
        _gateway = await GatewayHost.StartAsync(yaml, new Dictionary<string, string?> { ["ConnectionStrings:redis"] = _garnet.ConnectionString });
        _admin = await AdminHost.StartAsync(yaml, [
            new("ConnectionStrings:redis", _garnet.ConnectionString),
            new("Bridge:GatewayUrl", _gateway.BaseUrl),
        ],
        // Outside Development, static assets (blazor.web.js, Fluent UI, Radzen) come from a publish folder; here, from the build's manifest.
        configure: builder =>
        {
            builder.WebHost.UseStaticWebAssets();
            builder.Logging.AddProvider(_adminLogs);
        });
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
    public async Task OpenOverview_NumbersFollowGatewayTraffic_WithoutAReload()
    {
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1360 } });
        page.SetDefaultTimeout(Browser.StepTimeoutMs);
        var admin = _admin.BaseAddress.ToString();
        var console = new List<string>();
        page.Console += (_, message) =>
        {
            // The browser's own favicon request is not the page's doing.
            if (message.Type is "error" or "warning" && !message.Location.Contains("/favicon.ico", StringComparison.Ordinal)) console.Add($"{message.Type}: {message.Text} ({message.Location})");
        };
        page.PageError += (_, error) => console.Add("page error: " + error);
        page.Response += (_, response) => { if (response.Status >= 400 && !response.Url.EndsWith("/favicon.ico", StringComparison.Ordinal)) console.Add($"{response.Status} {response.Url}"); };
        try
        {
            await RunAsync(page, admin);
        }
        catch (Exception ex)
        {
            try
            {
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "overview-failure.png"), FullPage = true, Timeout = 10_000 });
            }
            catch (Exception shot) when (shot is PlaywrightException or TimeoutException)
            {
                console.Add("no failure screenshot: " + shot.Message); // the failure itself matters more
            }
            var errors = _adminLogs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal));
            throw new InvalidOperationException($"at {page.Url}\nbrowser console:\n{string.Join('\n', console)}\nadmin errors:\n{string.Join('\n', errors)}", ex);
        }
        Assert.True(console.Count == 0, "browser console:\n" + string.Join('\n', console));
    }

    private async Task RunAsync(IPage page, string admin)
    {
        await page.GotoAsync(admin);
        await page.FillAsync("#key", GatewayHost.MasterKey);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(admin);
        await page.WaitForSelectorAsync("#interactive-ready", new PageWaitForSelectorOptions { Timeout = 15_000 });

        // Before any traffic: zeros and dashes, and model-c already listed as unavailable.
        await Expect(page, "#ov-today-requests .ov-value", "0");
        await Expect(page, "#ov-rps .ov-value", "0");
        await Expect(page, "#ov-latency .ov-value", "— / —");
        await Expect(page, "#ov-ttft .ov-value", "— / —");
        await Expect(page, "#ov-cache-hit .ov-value", "—");
        await Expect(page, "#ov-today-spend .ov-value", "$0.0000");
        await Assertions.Expect(page.Locator("#ov-trouble [data-deployment='model-c#3']")).ToContainTextAsync("unavailable");
        await Assertions.Expect(page.Locator("#ov-trouble li")).ToHaveCountAsync(1);
        Assert.Equal(0, await page.Locator("#ov-chart-latency .rz-chart").CountAsync());
        // A mark on this document: a reload or a new navigation would lose it.
        await page.EvaluateAsync("() => window.__overviewMark = 'still here'");

        using var client = _gateway.CreateClient();
        for (var i = 0; i < 3; i++) await SendAsync(client, "model-a", stream: false, HttpStatusCode.OK);
        for (var i = 0; i < 2; i++) await SendAsync(client, "model-a", stream: true, HttpStatusCode.OK);
        await SendAsync(client, "model-b", stream: false, HttpStatusCode.TooManyRequests);

        // The open page catches up by itself (refresh every 2 s; the bound is loose for two busy cores).
        var soon = new LocatorAssertionsToHaveTextOptions { Timeout = 20_000 };
        await Assertions.Expect(page.Locator("#ov-today-requests .ov-value")).ToHaveTextAsync("6", soon);
        await Expect(page, "#ov-today-requests .ov-note", "1 failed");
        // 1 failure in 6: 17%.
        await Expect(page, "#ov-error-rate .ov-value", "17%");
        // 6 requests in the last minute: 0.1 per second.
        await Expect(page, "#ov-rps .ov-value", "0.1");
        await Assertions.Expect(page.Locator("#ov-latency .ov-value")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d[\d,.]* ms / \d[\d,.]* ms$"));
        await Assertions.Expect(page.Locator("#ov-ttft .ov-value")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d[\d,.]* ms / \d[\d,.]* ms$"));
        await Expect(page, "#ov-ttft .ov-note", "2 streams");
        // 5 answers of 100 prompt tokens, 40 of each read from the cache: 200 of 500.
        await Expect(page, "#ov-cache-hit .ov-value", "40%");
        await Expect(page, "#ov-today-tokens .ov-note", "300 in · 200 cached · 25 out");
        // 5 × (60 × $0.0001 + 5 × $0.001), cache reads unpriced in this config ($0 per cached token) or at the input price.
        Assert.NotEqual("$0.0000", (await page.Locator("#ov-today-spend .ov-value").TextContentAsync())!.Trim());

        await Assertions.Expect(page.Locator("#ov-top-models .ov-top-list li").First).ToContainTextAsync("model-a");
        await Assertions.Expect(page.Locator("#ov-top-models .ov-top-list li").First).ToContainTextAsync("5 req");
        await Assertions.Expect(page.Locator("#ov-top-keys .ov-top-list li").First).ToContainTextAsync("master key");
        var cooling = page.Locator("#ov-trouble li", new PageLocatorOptions { HasText = "cooling down until" });
        await Assertions.Expect(cooling).ToHaveCountAsync(1);
        await Assertions.Expect(cooling).ToContainTextAsync("(model-b)");
        await Assertions.Expect(cooling).ToContainTextAsync("rate limited (429)");
        await Assertions.Expect(page.Locator("#ov-trouble [data-deployment='model-c#3']")).ToContainTextAsync("unavailable");

        // Radzen's charts drew the traffic: an area for requests per second, lines for latency, bars for the top lists.
        await Assertions.Expect(page.Locator("#ov-chart-traffic .rz-area-series path").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#ov-chart-latency .rz-line-series .rz-marker").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#ov-top-models .rz-bar-series path").First).ToBeVisibleAsync();

        // Hovering a point shows Radzen's tooltip with the slice's value.
        await page.Locator("#ov-chart-latency .rz-line-series .rz-marker").First.HoverAsync();
        await Assertions.Expect(page.Locator(".rz-chart-tooltip")).ToContainTextAsync("p50");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "overview-tooltip.png") });
        await page.Mouse.MoveAsync(0, 0);

        Assert.Equal("still here", await page.EvaluateAsync<string>("() => window.__overviewMark"));
        Assert.DoesNotContain("hello", await page.Locator("main, body").First.InnerTextAsync()); // no completion content
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "overview-live.png"), FullPage = true });
        CopyForReadme("overview-live", "overview");
    }

    private static Task Expect(IPage page, string selector, string text) =>
        Assertions.Expect(page.Locator(selector)).ToHaveTextAsync(text, new LocatorAssertionsToHaveTextOptions { Timeout = 20_000 });

    private static async Task SendAsync(HttpClient client, string model, bool stream, HttpStatusCode expected)
    {
        var body = JsonSerializer.Serialize(new { model, stream, max_tokens = 64, messages = new[] { new { role = "user", content = "hi" } } });
        using var response = await client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{model}: the gateway answered {(int)response.StatusCode}: {text}");
    }

    /// <summary>With <c>BRIDGE_UPDATE_SCREENSHOTS=1</c> the README's screenshot is refreshed (otherwise it stays in the test output).</summary>
    private static void CopyForReadme(string name, string readmeName)
    {
        if (Environment.GetEnvironmentVariable("BRIDGE_UPDATE_SCREENSHOTS") != "1") return;
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Bridge.sln"))) directory = directory.Parent;
        if (directory is null) return;
        var target = Directory.CreateDirectory(Path.Combine(directory.FullName, "docs", "screenshots")).FullName;
        File.Copy(Path.Combine(Screenshots, name + ".png"), Path.Combine(target, readmeName + ".png"), overwrite: true);
    }
}
