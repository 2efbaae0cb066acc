using System.Diagnostics;
using System.Net;
using System.Text;
using Bridge.Gateway.Models.Stored;
using Bridge.Gateway.State;
using Bridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using StackExchange.Redis;

namespace Bridge.Tests.Admin;

/// <summary>
/// Models without a restart, from the admin in a real browser (Chromium through Playwright): a deployment added on
/// the Deployments page answers through two gateway replicas within a second, disabling it makes both refuse it,
/// enabling brings it back, removing it removes it; the API key typed in the form is sealed in Redis and never comes
/// back to the page.
/// </summary>
public sealed class AdminBrowserModelsTests : IAsyncLifetime
{
    private const string TypedKey = "sk-upstream-typed-in-the-form-5c1d7e";
    private const string Model = "runtime-model";
    private static readonly TimeSpan WithinASecond = TimeSpan.FromSeconds(1);

    private GarnetInstance _garnet = null!;
    private FakeUpstream _upstream = null!;
    private GatewayHost _a = null!;
    private GatewayHost _b = null!;
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
              - model_name: from-file
                litellm_params: { model: openai/gpt-4o, api_base: {{_upstream.BaseUrl}}/v1, api_key: sk-file }
            general_settings:
              master_key: {{GatewayHost.MasterKey}}
            """;
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:redis"] = _garnet.ConnectionString };
        _a = await GatewayHost.StartAsync(yaml, settings);
        _b = await GatewayHost.StartAsync(yaml, settings);
        _admin = await AdminHost.StartAsync(yaml, [new("ConnectionStrings:redis", _garnet.ConnectionString), new("Bridge:GatewayUrl", _a.BaseUrl)],
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
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _upstream.DisposeAsync();
        _garnet.Dispose();
    }

    [Fact]
    public async Task AddedInTheAdmin_ServedByBothReplicas_ThenDisabledEnabledAndRemoved_KeyNeverInClear()
    {
        // Changes made over the circuit leave a span each (named by model name or id, never a secret).
        var spans = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == Bridge.Admin.Diagnostics.AdminTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity => spans.Enqueue($"{activity.DisplayName} {activity.GetTagItem("bridge.admin.subject")}"),
        };
        ActivitySource.AddActivityListener(listener);
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        page.SetDefaultTimeout(Browser.StepTimeoutMs);
        var admin = _admin.BaseAddress.ToString();
        await page.GotoAsync(admin + "deployments");
        await page.FillAsync("#key", GatewayHost.MasterKey);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(admin + "deployments");
        await page.WaitForSelectorAsync("#interactive-ready", new PageWaitForSelectorOptions { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#file-models-note")).ToContainTextAsync("read-only");
        await Assertions.Expect(page.Locator("#models-empty")).ToBeVisibleAsync();

        // The form checks the entry as the gateway will: a misspelt provider is refused with the loader's words.
        await page.ClickAsync("#model-add");
        await FillAsync(page, "#model-name", Model);
        await FillAsync(page, "#model-upstream", "azur/gpt-4o-runtime");
        await FillAsync(page, "#model-api-base", _upstream.BaseUrl + "/v1");
        await FillAsync(page, "#model-api-key", TypedKey);
        await FillAsync(page, "#model-rpm", "600");
        await page.ClickAsync("#model-save");
        await Assertions.Expect(page.Locator("#model-form-error")).ToContainTextAsync("unknown provider 'azur'");
        Assert.Equal(0, await RedisAsync(db => db.HashLengthAsync(RedisKeys.Models)));

        await FillAsync(page, "#model-upstream", "openai/gpt-4o-runtime");
        await page.ClickAsync("#model-save");
        await Assertions.Expect(page.Locator("#models-message")).ToContainTextAsync("Added");
        var watch = Stopwatch.StartNew();
        await UntilBothAsync(HttpStatusCode.OK, "the added deployment is not served by both replicas");
        var served = watch.Elapsed;
        Assert.True(served <= WithinASecond, $"served after {served.TotalMilliseconds:N0} ms");
        var upstreamCall = _upstream.Requests.Last(r => r.Body.Contains("gpt-4o-runtime", StringComparison.Ordinal));
        Assert.Equal("Bearer " + TypedKey, upstreamCall.Headers["authorization"]); // sealed by the admin, opened by the gateway

        var table = page.Locator("#runtime-models-table");
        await Assertions.Expect(table).ToContainTextAsync("openai/gpt-4o-runtime");
        await Assertions.Expect(table).ToContainTextAsync(new Uri(_upstream.BaseUrl).Authority);
        await Assertions.Expect(table).Not.ToContainTextAsync("/v1");
        await AssertKeyNowhereAsync(page);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "deployments.png"), FullPage = true });
        CopyForReadme("deployments");

        // Editing shows no key, and saving with the key field left empty keeps it.
        var id = (await _admin.Services.GetRequiredService<StoredModelStore>().ListAsync()).Single().Id;
        var row = page.Locator($"[data-model='{id}']");
        await row.Locator("[data-action=edit]").ClickAsync();
        Assert.Equal("", await page.Locator("#model-api-key").InputValueAsync());
        await FillAsync(page, "#model-tpm", "90000");
        await page.ClickAsync("#model-save");
        await Assertions.Expect(page.Locator("#models-message")).ToContainTextAsync("Saved");
        await UntilBothAsync(HttpStatusCode.OK, "the edited deployment is not served");
        Assert.Equal("Bearer " + TypedKey, _upstream.LastRequest.Headers["authorization"]);
        await AssertKeyNowhereAsync(page);

        // Disabled: both replicas refuse it.
        await row.Locator("[data-action=disable]").ClickAsync();
        await Assertions.Expect(page.Locator("#models-message")).ToContainTextAsync("Disabled");
        await Assertions.Expect(table).ToContainTextAsync("disabled");
        watch.Restart();
        await UntilBothAsync(HttpStatusCode.NotFound, "a disabled deployment is still served");
        Assert.True(watch.Elapsed <= WithinASecond, $"refused after {watch.Elapsed.TotalMilliseconds:N0} ms");

        // Enabled again, then removed (after a confirmation): gone from both replicas and from Redis.
        await row.Locator("[data-action=enable]").ClickAsync();
        await Assertions.Expect(page.Locator("#models-message")).ToContainTextAsync("Enabled");
        await UntilBothAsync(HttpStatusCode.OK, "the enabled deployment is not served");
        await row.Locator("[data-action=remove]").ClickAsync();
        Assert.Equal(1, await RedisAsync(db => db.HashLengthAsync(RedisKeys.Models))); // nothing removed before the confirmation
        await row.Locator("[data-action=confirm-remove]").ClickAsync();
        await Assertions.Expect(page.Locator("#models-message")).ToContainTextAsync("Removed");
        await Assertions.Expect(page.Locator("#models-empty")).ToBeVisibleAsync();
        watch.Restart();
        await UntilBothAsync(HttpStatusCode.NotFound, "a removed deployment is still served");
        Assert.True(watch.Elapsed <= WithinASecond, $"refused after {watch.Elapsed.TotalMilliseconds:N0} ms");
        Assert.Equal(0, await RedisAsync(db => db.HashLengthAsync(RedisKeys.Models)));
        Assert.Equal(HttpStatusCode.OK, await AskAsync(_a, "from-file")); // the file's deployment never moved
        Assert.Contains($"admin model.add {Model}", spans);
        Assert.Contains($"admin model.update {Model}", spans);
        Assert.Contains($"admin model.disable {id}", spans);
        Assert.Contains($"admin model.enable {id}", spans);
        Assert.Contains($"admin model.remove {id}", spans);
        Assert.DoesNotContain(spans, s => s.Contains(TypedKey, StringComparison.Ordinal));
    }

    /// <summary>The typed key is in no Redis value in clear, and not in the page (HTML or any input's value).</summary>
    private async Task AssertKeyNowhereAsync(IPage page)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_garnet.ConnectionString);
        var db = redis.GetDatabase();
        var values = new List<string>();
        foreach (var key in redis.GetServer(redis.GetEndPoints()[0]).Keys(pattern: "*"))
        {
            var type = await db.KeyTypeAsync(key);
            if (type == RedisType.String) values.Add((string?)await db.StringGetAsync(key) ?? "");
            else if (type == RedisType.Hash) values.AddRange((await db.HashGetAllAsync(key)).Select(e => $"{e.Name}={e.Value}"));
            else if (type == RedisType.List) values.AddRange((await db.ListRangeAsync(key)).Select(v => v.ToString()));
            else if (type == RedisType.Set) values.AddRange((await db.SetMembersAsync(key)).Select(v => v.ToString()));
            else if (type == RedisType.SortedSet) values.AddRange((await db.SortedSetRangeByRankAsync(key)).Select(v => v.ToString()));
        }
        var stored = (string?)await db.HashGetAsync(RedisKeys.Models, (await db.HashKeysAsync(RedisKeys.Models)).Single());
        Assert.Contains(ModelSecrets.Prefix, stored);
        Assert.DoesNotContain(values, v => v.Contains(TypedKey, StringComparison.Ordinal));

        Assert.DoesNotContain(TypedKey, await page.ContentAsync());
        var inputs = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('input, textarea')].map(e => e.value)");
        Assert.DoesNotContain(inputs, v => v.Contains(TypedKey, StringComparison.Ordinal));
    }

    private async Task UntilBothAsync(HttpStatusCode expected, string failure)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (await AskAsync(_a, Model) != expected || await AskAsync(_b, Model) != expected)
        {
            if (DateTime.UtcNow > deadline) Assert.Fail(failure);
            await Task.Delay(20);
        }
    }

    private static async Task<HttpStatusCode> AskAsync(GatewayHost gateway, string model)
    {
        using var client = gateway.CreateClient();
        using var response = await client.PostAsync("/v1/chat/completions",
            new StringContent($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        return response.StatusCode;
    }

    private async Task<T> RedisAsync<T>(Func<IDatabase, Task<T>> read)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_garnet.ConnectionString);
        return await read(redis.GetDatabase());
    }

    /// <summary>Fills a plain input and leaves it, so Blazor's change binding fires.</summary>
    private static async Task FillAsync(IPage page, string selector, string text)
    {
        await page.FillAsync(selector, text);
        await page.Locator(selector).PressAsync("Tab");
    }

    /// <summary>With <c>BRIDGE_UPDATE_SCREENSHOTS=1</c> the README's screenshot is refreshed (otherwise it stays in the test output).</summary>
    private static void CopyForReadme(string name)
    {
        if (Environment.GetEnvironmentVariable("BRIDGE_UPDATE_SCREENSHOTS") != "1") return;
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Bridge.sln"))) directory = directory.Parent;
        if (directory is null) return;
        var target = Directory.CreateDirectory(Path.Combine(directory.FullName, "docs", "screenshots")).FullName;
        File.Copy(Path.Combine(Screenshots, name + ".png"), Path.Combine(target, name + ".png"), overwrite: true);
    }
}
