namespace Bridge.Gateway.Relay;

/// <summary>
/// Where one attempt stands in its request, for the routing and cost headers (LiteLLM's <c>x-litellm-*</c> and
/// Bridge's <c>x-bridge-*</c>). The default value means "not a routed request" (token counting): no such headers.
/// </summary>
/// <param name="Attempt">Attempts so far, this one included, over every model group tried.</param>
/// <param name="Retries">Attempts before this one in the same model group.</param>
/// <param name="Fallbacks">Model groups moved past before this one (<c>fallbacks</c> and their kin).</param>
/// <param name="ModelGroup">The model group this attempt serves.</param>
/// <param name="RequestStarted">The request's start (<see cref="System.Diagnostics.Stopwatch"/> timestamp).</param>
/// <param name="KeySpendMicros">The caller's spend in its budget period before this request, when the key has a budget (read at admission).</param>
public readonly record struct AttemptPosition(int Attempt, int Retries, int Fallbacks, string? ModelGroup, long RequestStarted, long? KeySpendMicros);
