namespace Bridge.Gateway.Hooks;

/// <summary>
/// A pre-call hook (<c>litellm_settings.callbacks</c>): called before every upstream request, after
/// translation, with the body about to be sent. It may edit the body or reject the request.
/// </summary>
public interface IPreCallHook
{
    /// <summary>The name used in <c>callbacks</c>, e.g. <c>strip_params_hook.strip_params_hook</c>.</summary>
    string Name { get; }

    ValueTask<PreCallDecision> OnPreCallAsync(PreCallContext context, CancellationToken cancellationToken);
}

/// <summary>What a hook decided: go on, or refuse with a client error.</summary>
public readonly record struct PreCallDecision(bool Rejected, int StatusCode, string? Message)
{
    public static PreCallDecision Continue => default;
    public static PreCallDecision Reject(string message, int statusCode = 400) => new(true, statusCode, message);
}
