using Bridge.Admin.Components.Charts;
using Bridge.Admin.Components.Keys;
using Bridge.Admin.Components.Pages;
using Bridge.Admin.Redis;
using Bridge.Admin.Stores;
using Bridge.Gateway.State;
using Bridge.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Bridge.Tests.Admin;

/// <summary>bUnit tests of the pages' logic: the chart, the key form, and the Keys page against a real store.</summary>
public sealed class ComponentTests(GarnetFixture fixture) : IClassFixture<GarnetFixture>
{
    [Fact]
    public void BarChart_ScalesBarsToTheLargestValue_AndEncodesLabels()
    {
        using var context = new BunitContext();

        var chart = context.Render<BarChart>(p => p
            .Add(c => c.Title, "Requests")
            .Add(c => c.Items, [new ChartItem("<b>mon</b>", 5), new ChartItem("tue", 10), new ChartItem("wed", 0)]));

        var heights = chart.FindAll("rect.bar").Select(r => double.Parse(r.GetAttribute("height")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(3, heights.Count);
        Assert.Equal(heights[1] / 2, heights[0], 3);
        Assert.Equal(0, heights[2]);
        Assert.DoesNotContain("<b>mon</b>", chart.Markup);
        Assert.Contains("&lt;b&gt;mon&lt;/b&gt;", chart.Markup);
    }

    [Fact]
    public void BarChart_WithoutData_SaysSo()
    {
        using var context = new BunitContext();

        var chart = context.Render<BarChart>(p => p.Add(c => c.Title, "Cost").Add(c => c.Items, [new ChartItem("mon", 0)]));

        Assert.Empty(chart.FindAll("rect"));
        Assert.Contains("No data in this range.", chart.Markup);
    }

    [Fact]
    public void KeyForm_RoundTripsARecord_AndNamesTheBadField()
    {
        var record = new VirtualKeyRecord
        {
            Id = "vk_1", KeyPrefix = "sk-abcd...", Name = "n", Models = ["a", "b-*"], Aliases = new Dictionary<string, string> { ["x"] = "a" },
            MaxBudgetUsd = 2.5m, BudgetDuration = "7d", RpmLimit = 3, ExpiresAt = new DateTimeOffset(2031, 1, 2, 0, 0, 0, TimeSpan.Zero),
        };

        var settings = KeyForm.From(record).ToSettings();

        Assert.Equal(["a", "b-*"], settings.Models);
        Assert.Equal("a", settings.Aliases["x"]);
        Assert.Equal((2.5m, "7d", 3), (settings.MaxBudgetUsd!.Value, settings.BudgetDuration, settings.RpmLimit!.Value));
        Assert.Equal(record.ExpiresAt, settings.ExpiresAt); // an untouched date keeps the exact expiry
        var form = KeyForm.From(record with { ExpiresAt = new DateTimeOffset(2031, 1, 2, 15, 30, 0, TimeSpan.Zero) });
        Assert.Equal(new DateTime(2031, 1, 2), form.ExpiresOn);
        form.ExpiresOn = new DateTime(2031, 2, 1);
        Assert.Equal(new DateTimeOffset(2031, 2, 2, 0, 0, 0, TimeSpan.Zero), form.ToSettings().ExpiresAt); // through the end of the chosen day
        Assert.Equal("rpm_limit", Assert.Throws<FieldValidationException>(() => new KeyForm { RpmLimit = "ten" }.ToSettings()).Field);
        Assert.Equal("aliases", Assert.Throws<FieldValidationException>(() => new KeyForm { Aliases = "x" }.ToSettings()).Field);
        Assert.Equal("metadata", Assert.Throws<FieldValidationException>(() => new KeyForm { Metadata = "[1]" }.ToSettings()).Field);
    }

    [Fact]
    public async Task KeysPage_CreateShowsTheValueOnce_ErrorsStayInTheForm_RevokeNeedsConfirmation()
    {
        // The admin's own command timeout: with the gateway's 2 s a loaded CI machine timed a revoke out once.
        await using var redis = new RedisConnection(fixture.Garnet.ConnectionString, NullLogger<RedisConnection>.Instance,
            defaultTimeoutMs: RedisServiceCollectionExtensions.ControlPlaneTimeoutMs);
        var store = new VirtualKeyStore(redis, TimeProvider.System);
        using var context = NewContext(redis, store);
        var page = context.Render<Keys>();
        var name = "bunit-" + Guid.NewGuid().ToString("N")[..6];

        // The page loads its list after the first render; every find-and-act runs inside the renderer
        // (InvokeAsync), so a render finishing in between cannot swap the element's handler away (seen once).
        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".admin-loading")), TimeSpan.FromSeconds(10));
        await page.InvokeAsync(() => page.Find("#new-key-button").Click());
        await page.InvokeAsync(() => page.Find("#key-name").Change(name));
        await page.InvokeAsync(() => page.Find("#key-rpm").Change("zero"));
        await page.InvokeAsync(() => page.Find("#key-save").Click());
        page.WaitForAssertion(() => Assert.Contains("rpm_limit:", page.Find("#key-form-error").TextContent));
        Assert.Empty(page.FindAll("#new-key-value"));

        // A render still finishing the failed save can put the old value back: change until the new one holds.
        page.WaitForAssertion(() =>
        {
            page.Find("#key-rpm").Change("5");
            Assert.Equal("5", page.Find("#key-rpm").GetAttribute("value"));
        }, TimeSpan.FromSeconds(5));
        await page.InvokeAsync(() => page.Find("#key-save").Click());
        page.WaitForAssertion(() => Assert.True(page.FindAll("#new-key-value").Count == 1, page.FindAll("#key-form-error, #keys-error").FirstOrDefault()?.TextContent), TimeSpan.FromSeconds(10));
        var value = page.Find("#new-key-value").TextContent;
        var stored = await store.FindBySecretAsync(value);
        Assert.Equal((name, 5), (stored!.Name, stored.RpmLimit!.Value));
        Assert.Empty(page.FindAll("#key-editor"));

        page.WaitForAssertion(() => Assert.Contains(stored.KeyPrefix, page.Markup), TimeSpan.FromSeconds(10)); // the list reloaded: saving is over
        await page.InvokeAsync(() => page.Find("#new-key-done").Click());
        Assert.DoesNotContain(value, page.Markup);
        Assert.Contains(stored.KeyPrefix, page.Markup);

        await page.InvokeAsync(() => page.Find($"[data-key='{stored.Id}'] [data-action=revoke]").Click());
        Assert.NotNull(await store.GetAsync(stored.Id)); // one click only asks
        // Awaiting the click awaits the handler, so the store call is over; a failure says what the page showed instead.
        await page.InvokeAsync(() => page.Find($"[data-key='{stored.Id}'] [data-action=confirm-revoke]").ClickAsync(new MouseEventArgs()));
        page.WaitForAssertion(() => Assert.True(page.FindAll("#keys-message").FirstOrDefault()?.TextContent.Contains("Revoked") == true,
            page.FindAll("#keys-error").FirstOrDefault()?.TextContent ?? "no message"), TimeSpan.FromSeconds(10));
        Assert.Null(await store.GetAsync(stored.Id));
    }

    [Fact]
    public void KeysPage_WithoutRedis_ExplainsInsteadOfFailing()
    {
        var redis = new RedisConnection(null, NullLogger<RedisConnection>.Instance);
        using var context = NewContext(redis, new VirtualKeyStore(redis, TimeProvider.System));

        var page = context.Render<Keys>();

        Assert.Contains("Redis not configured", page.Markup);
        Assert.Empty(page.FindAll("#new-key-button"));
    }

    private static BunitContext NewContext(RedisConnection redis, VirtualKeyStore store)
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddFluentUIComponents();
        context.Services.AddSingleton(redis);
        context.Services.AddSingleton(store);
        context.Services.AddSingleton(TimeProvider.System);
        context.Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        context.Services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        return context;
    }
}
