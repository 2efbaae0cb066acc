using Bridge.Gateway.Configuration;

namespace Bridge.Gateway.Hooks;

/// <summary>
/// Built-in replacement for the popular LiteLLM <c>strip_params_hook.strip_params_hook</c> callback:
/// removes the parameters named in <c>additional_drop_params</c> (global and per deployment) from
/// every upstream request, whatever the provider.
/// </summary>
public sealed class StripParamsHook(BridgeConfig config) : IPreCallHook
{
    public const string HookName = "strip_params_hook.strip_params_hook";

    public string Name => HookName;

    public ValueTask<PreCallDecision> OnPreCallAsync(PreCallContext context, CancellationToken cancellationToken)
    {
        Strip(context, config.AdditionalDropParams);
        Strip(context, context.Deployment.AdditionalDropParams);
        return ValueTask.FromResult(PreCallDecision.Continue);
    }

    private static void Strip(PreCallContext context, IReadOnlyList<string> names)
    {
        foreach (var name in names)
        {
            if (context.HasTopLevelProperty(name)) context.GetMutableBody().Remove(name);
        }
    }
}
