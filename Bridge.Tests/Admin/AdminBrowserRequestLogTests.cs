using System.Diagnostics;
using System.Net;
using System.Text;
using Bridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;

namespace Bridge.Tests.Admin;

/// <summary>
/// The request log in a real browser (Chromium through Playwright) against real servers on loopback: Garnet, fake
/// upstreams, the gateway and the admin. A request that fails on every deployment shows up on the open Requests page
/// with the reason of each attempt, the error the client got and a link to its trace; the filters find it and leave
/// the successful one out.
/// </summary>
public sealed class AdminBrowserRequestLogTests : IAsyncLifetime
{
    private const string Dashboard = "http://dashboard.test:18888";
    private GarnetInstance _garnet = null!;
    private FakeUpstream _good = null!;
    private FakeUpstream _bad = null!;
    private GatewayHost _gateway = null!;
    private AdminHost _admin = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    // Tracing on, as under the AppHost: ASP.NET Core starts a recorded server span for each request.
    private readonly ActivityListener _tracing = new()
    {
        ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or "Bridge.Gateway",
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
    };

    public async Task InitializeAsync()
    {
        ActivitySource.AddActivityListener(_tracing);
        _garnet = new GarnetInstance();
        _good = await FakeUpstream.StartAsync();
        _bad = await FakeUpstream.StartAsync();
        _good.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("fine", promptTokens: 12, completionTokens: 3));
        _bad.Handler = (ctx, _) => OpenAIResponses.WriteErrorAsync(ctx, 503, "overloaded, try later", "server_error");
        var yaml = $$"""
            model_list:
              - model_name: log-good
                litellm_params: { model: openai/gpt-4o, api_base: {{_good.BaseUrl}}/v1, api_key: upstream-key }
                model_info: { id: good-deployment }
              - model_name: log-broken
                litellm_params: { model: openai/gpt-4o, api_base: {{_bad.BaseUrl}}/v1, api_key: upstream-key }
                model_info: { id: broken-east }
              - model_name: log-broken
                litellm_params: { model: openai/gpt-4o, api_base: {{_bad.BaseUrl}}/v1, api_key: upstream-key }
                model_info: { id: broken-west }
            router_settings:
              num_retries: 1
              allowed_fails: 100
            general_settings:
              master_key: {{GatewayHost.MasterKey}}
            """;
        _gateway = await GatewayHost.StartAsync(yaml, new Dictionary<string, string?> { ["ConnectionStrings:redis"] = _garnet.ConnectionString });
        _admin = await AdminHost.StartAsync(yaml, [
            new("ConnectionStrings:redis", _garnet.ConnectionString),
            new("Bridge:GatewayUrl", _gateway.BaseUrl),
            new("Bridge:DashboardUrl", Dashboard),
        ], configure: builder => builder.WebHost.UseStaticWebAssets());
        _playwright = await Playwright.CreateAsync();
        _browser = await Browser.LaunchAsync(_playwright);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _admin.DisposeAsync();
        await _gateway.DisposeAsync();
        await _good.DisposeAsync();
        await _bad.DisposeAsync();
        _garnet.Dispose();
        _tracing.Dispose();
    }

    [Fact]
    public async Task FailedRequest_AppearsWithItsReasonsAndTraceLink_AndTheFiltersFindIt()
    {
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 900 } });
        page.SetDefaultTimeout(Browser.StepTimeoutMs);
        var admin = _admin.BaseAddress.ToString();
        await page.GotoAsync(admin + "requests");
        await page.FillAsync("#key", GatewayHost.MasterKey);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(admin + "requests");
        await page.WaitForSelectorAsync("#interactive-ready", new PageWaitForSelectorOptions { Timeout = 15_000 });

        // With the page open, one request succeeds and one fails on both deployments of its group.
        using var client = _gateway.CreateClient();
        using (var ok = await SendAsync(client, "log-good")) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        string failedId;
        using (var failed = await SendAsync(client, "log-broken"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
            failedId = failed.Headers.GetValues("request-id").Single();
        }

        // It shows up by itself (the page refreshes), with why each attempt failed, the client's error and its trace.
        var row = page.Locator("#requests-table tr", new() { Has = page.Locator($"[data-request='{failedId}']") });
        await Assertions.Expect(row).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Assertions.Expect(row).ToContainTextAsync("503");
        await Assertions.Expect(row).ToContainTextAsync("Anthropic Messages");
        await Assertions.Expect(row.Locator(".request-attempts")).ToHaveTextAsync("2");
        await Assertions.Expect(row.Locator(".request-attempt-errors li")).ToHaveCountAsync(2);
        await Assertions.Expect(row.Locator(".request-attempt-errors")).ToContainTextAsync("broken-east: 503");
        await Assertions.Expect(row.Locator(".request-attempt-errors")).ToContainTextAsync("broken-west: 503");
        await Assertions.Expect(row.Locator(".request-error")).ToContainTextAsync("overloaded, try later");
        var href = await row.Locator("a.trace-link").GetAttributeAsync("href");
        Assert.Matches($"^{Dashboard}/traces/detail/[0-9a-f]{{32}}$", href);
        Assert.DoesNotContain("hello from the log test", await page.ContentAsync()); // never the prompt

        // Filter on errors: the failed request stays, the successful one goes.
        await page.SelectOptionAsync("#filter-status", "errors");
        await page.ClickAsync("#filter-apply");
        await Assertions.Expect(page.Locator("#requests-table")).Not.ToContainTextAsync("good-deployment");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        // A deployment filter that matches nothing empties the log.
        await page.FillAsync("#filter-deployment", "no-such-deployment");
        await page.Locator("#filter-deployment").PressAsync("Tab");
        await page.ClickAsync("#filter-apply");
        await Assertions.Expect(page.Locator("#requests-empty")).ToBeVisibleAsync();
        await page.ClickAsync("#filter-clear");
        await Assertions.Expect(page.Locator("#requests-table")).ToContainTextAsync("good-deployment");
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string model) =>
        await client.PostAsync("/v1/messages", new StringContent(
            $$"""{"model": "{{model}}", "max_tokens": 64, "messages": [{"role": "user", "content": "hello from the log test"}]}""", Encoding.UTF8, "application/json"));
}
