namespace Bridge.Gateway.Exchanges;

/// <summary>Runs an action when a scope ends, however it ends (used to capture usage from stream translators).</summary>
internal readonly struct UsageOnExit(Action action) : IDisposable
{
    public void Dispose() => action();
}
