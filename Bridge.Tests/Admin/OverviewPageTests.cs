using Bridge.Admin.Components.Pages;
using Bridge.Admin.Deployments;
using Bridge.Admin.Hosting;
using Bridge.Admin.Live;
using Bridge.Admin.Redis;
using Bridge.Admin.Stores;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.State;
using Bridge.Gateway.Usage;
using Bridge.Tests.Infrastructure;
using Bunit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Bridge.Tests.Admin;

/// <summary>
/// The overview page's refresh loop (bUnit, real Redis): it picks up a new request on its own, and its timer is gone
/// once the page is (a page left open per tab must not leave a timer reading Redis behind).
/// </summary>
public sealed class OverviewPageTests
{
    [Fact]
    public async Task OpenPage_RefreshesFromRedis_AndStopsItsTimerWhenDisposed()
    {
        using var garnet = new GarnetInstance();
        await using var redis = new RedisConnection(garnet.ConnectionString, NullLogger<RedisConnection>.Instance, defaultTimeoutMs: RedisServiceCollectionExtensions.ControlPlaneTimeoutMs);
        var time = new TimerTrackingTimeProvider();
        using var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        // What Radzen's script answers in a browser: the chart's size.
        context.JSInterop.Setup<Radzen.Blazor.Rendering.Rect>("Radzen.createChart", _ => true)
            .SetResult(new Radzen.Blazor.Rendering.Rect { Width = 600, Height = 220 });
        var config = ConfigLoader.Parse("""
            model_list:
              - model_name: model-a
                litellm_params: { model: openai/gpt-4o, api_key: k }
            general_settings:
              master_key: sk-overview-page-test
            """, new EnvironmentSource(null, _ => null));
        var services = context.Services;
        services.AddFluentUIComponents();
        services.AddScoped<Radzen.TooltipService>();
        services.AddSingleton(config);
        services.AddSingleton(new AdminOptions());
        services.AddSingleton(redis);
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton<RedisStatusMonitor>();
        services.AddSingleton(new GatewayHealthClient(new HttpClient(), new ConfigurationBuilder().Build(), config));
        services.AddSingleton<UsageReader>();
        services.AddSingleton(sp => new VirtualKeyStore(redis, time));
        services.AddSingleton<OverviewReader>();

        var page = context.Render<Overview>();
        page.WaitForAssertion(() => Assert.Equal("0", page.Find("#ov-today-requests .ov-value").TextContent.Trim()), TimeSpan.FromSeconds(10));

        var db = (await redis.DatabaseAsync())!;
        await UsageScript.ApplyAsync(db, new UsageRecord
        {
            RequestId = "req_page_1", Time = time.GetUtcNow(), KeyId = "master", KeyName = "master key", Model = "model-a", Deployment = "model-a#0",
            Status = 200, InputTokens = 10, OutputTokens = 2, LatencyMs = 42,
        }, null);

        // No reload, no event: the 2 s timer reads Redis again.
        page.WaitForAssertion(() => Assert.Equal("1", page.Find("#ov-today-requests .ov-value").TextContent.Trim()), TimeSpan.FromSeconds(10));
        Assert.Contains("42 ms", page.Find("#ov-latency .ov-value").TextContent);
        Assert.Equal(1, time.Created);
        Assert.Equal(0, time.Disposed);

        await context.DisposeComponentsAsync();

        for (var i = 0; i < 100 && time.Disposed == 0; i++) await Task.Delay(20);
        Assert.Equal(1, time.Disposed);
    }

    /// <summary>The system's clock and timers, counting the timers made and disposed.</summary>
    private sealed class TimerTrackingTimeProvider : TimeProvider
    {
        private int _created;
        private int _disposed;

        public int Created => Volatile.Read(ref _created);
        public int Disposed => Volatile.Read(ref _disposed);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _created);
            return new Tracked(System.CreateTimer(callback, state, dueTime, period), this);
        }

        private sealed class Tracked(ITimer inner, TimerTrackingTimeProvider owner) : ITimer
        {
            private int _done;

            public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(dueTime, period);

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _done, 1) == 0) Interlocked.Increment(ref owner._disposed);
                inner.Dispose();
            }

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }
}
