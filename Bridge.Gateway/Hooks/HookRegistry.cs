using Bridge.Gateway.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Gateway.Hooks;

/// <summary>
/// Maps <c>callbacks</c> names to hooks. Built-in hooks are known by name; applications embedding the
/// gateway can register their own <see cref="IPreCallHook"/> in DI and name them in the config.
/// An unknown name is a startup error.
/// </summary>
public sealed class HookRegistry
{
    public HookRegistry(BridgeConfig config, IEnumerable<IPreCallHook> registered)
    {
        var available = new Dictionary<string, IPreCallHook>(StringComparer.Ordinal)
        {
            [StripParamsHook.HookName] = new StripParamsHook(config),
        };
        foreach (var hook in registered) available[hook.Name] = hook;

        var active = new List<IPreCallHook>();
        for (var i = 0; i < config.Callbacks.Count; i++)
        {
            var name = config.Callbacks[i];
            if (name == Diagnostics.PrometheusEndpoint.CallbackName) continue; // not a hook: turns /metrics on
            if (!available.TryGetValue(name, out var hook))
            {
                throw new ConfigException(
                    $"litellm_settings.callbacks[{i}]: unknown hook '{name}' (built in: {StripParamsHook.HookName}; others must be registered as IPreCallHook)");
            }
            active.Add(hook);
        }
        Active = active;
    }

    public IReadOnlyList<IPreCallHook> Active { get; }

    public static IServiceCollection AddPreCallHook<THook>(IServiceCollection services) where THook : class, IPreCallHook =>
        services.AddSingleton<IPreCallHook, THook>();
}
