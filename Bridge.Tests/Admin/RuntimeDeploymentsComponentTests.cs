using Bridge.Admin.Components.Models;
using Bridge.Admin.Hosting;
using Bridge.Admin.Redis;
using Bridge.Gateway.Models.Stored;
using Bridge.Gateway.State;
using Bridge.Tests.Infrastructure;
using Bunit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Bridge.Tests.Admin;

/// <summary>bUnit tests of the runtime deployments section: its form's validation, and the section without Redis.</summary>
public sealed class RuntimeDeploymentsComponentTests(GarnetFixture fixture) : IClassFixture<GarnetFixture>
{
    private static BunitContext Context(RedisConnection redis)
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddFluentUIComponents();
        context.Services.AddSingleton(redis);
        context.Services.AddSingleton(new StoredModelStore(() => redis.DatabaseAsync(), new ModelSecrets(null, "sk-component-test-master"), TimeProvider.System));
        context.Services.AddSingleton(new AdminOptions());
        context.Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        context.Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        context.Services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        return context;
    }

    [Fact]
    public async Task WithoutRedis_TheSectionSaysWhereRuntimeDeploymentsLive_AndOffersNoForm()
    {
        await using var redis = new RedisConnection(null, NullLogger<RedisConnection>.Instance);
        using var context = Context(redis);

        var section = context.Render<RuntimeDeployments>();

        Assert.Contains("ConnectionStrings:redis", section.Markup);
        Assert.Empty(section.FindAll("#model-add"));
    }

    [Fact]
    public async Task TheForm_ShowsTheLoadersMessage_AndSavesNothingUntilTheEntryLoads()
    {
        await using var redis = new RedisConnection(fixture.Garnet.ConnectionString, NullLogger<RedisConnection>.Instance,
            defaultTimeoutMs: RedisServiceCollectionExtensions.ControlPlaneTimeoutMs); // the admin's timeout, not the hot path's 2 s
        using var context = Context(redis);
        var store = context.Services.GetRequiredService<StoredModelStore>();
        var before = (await store.ListAsync()).Count;
        var section = context.Render<RuntimeDeployments>();

        // The list loads from Redis asynchronously. Its render replaces the form's inputs (and their event handlers),
        // so the form is opened only after it, and every find-and-act runs inside the renderer (InvokeAsync): an input
        // found before a render could not take a change (UnknownEventHandlerIdException, once in a clean-clone CI run).
        section.WaitForAssertion(() => Assert.Empty(section.FindAll(".admin-loading")), TimeSpan.FromSeconds(10));
        await section.InvokeAsync(() => section.Find("#model-add").Click());
        await section.InvokeAsync(() => section.Find("#model-name").Change("bunit-model"));
        await section.InvokeAsync(() => section.Find("#model-upstream").Change("nosuch/model-x"));
        await section.InvokeAsync(() => section.Find("#model-api-key").Change("sk-bunit-typed"));
        await section.InvokeAsync(() => section.Find("#model-save").Click());
        section.WaitForAssertion(() => Assert.Contains("unknown provider 'nosuch'", section.Find("#model-form-error").TextContent));
        Assert.Equal(before, (await store.ListAsync()).Count);

        // A render still finishing the failed save can put an old value back: change until the new one holds.
        ChangeUntilItHolds(section, "#model-upstream", "openai/model-x");
        ChangeUntilItHolds(section, "#model-rpm", "many");
        await section.InvokeAsync(() => section.Find("#model-save").Click());
        section.WaitForAssertion(() => Assert.Contains("litellm_params.rpm", section.Find("#model-form-error").TextContent));

        ChangeUntilItHolds(section, "#model-rpm", "60");
        await section.InvokeAsync(() => section.Find("#model-save").Click());
        section.WaitForAssertion(() => Assert.Contains("Added", section.Find("#models-message").TextContent), TimeSpan.FromSeconds(10));
        Assert.Empty(section.FindAll("#model-editor"));
        Assert.DoesNotContain("sk-bunit-typed", section.Markup);
        var saved = (await store.ListAsync()).Single(m => m.ModelName == "bunit-model");
        Assert.Equal(60, (int?)saved.LitellmParams["rpm"]);
        Assert.True(ModelSecrets.IsSealed((string)saved.LitellmParams["api_key"]!));
        await store.DeleteAsync(saved.Id);
    }

    private static void ChangeUntilItHolds(IRenderedComponent<RuntimeDeployments> section, string selector, string value) =>
        section.WaitForAssertion(() =>
        {
            section.Find(selector).Change(value);
            Assert.Equal(value, section.Find(selector).GetAttribute("value"));
        }, TimeSpan.FromSeconds(5));
}
