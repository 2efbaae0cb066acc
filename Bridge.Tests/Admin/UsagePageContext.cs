using Bridge.Admin.Stores;
using Bridge.Gateway.State;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Bridge.Tests.Admin;

/// <summary>A bUnit context with what the admin's Usage page needs, over a real Redis.</summary>
internal static class UsagePageContext
{
    public static BunitContext Create(RedisConnection redis, UsageReader? reader = null)
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddFluentUIComponents();
        context.Services.AddSingleton(redis);
        context.Services.AddSingleton(reader ?? new UsageReader(redis));
        context.Services.AddSingleton(new VirtualKeyStore(redis, TimeProvider.System));
        context.Services.AddSingleton(TimeProvider.System);
        context.Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        context.Services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        return context;
    }
}
