namespace Bridge.Admin.Stores;

/// <summary>The admin has no Redis (<c>ConnectionStrings:redis</c> is empty), so nothing can be stored.</summary>
public sealed class StoreUnavailableException()
    : InvalidOperationException("Redis is not configured (ConnectionStrings:redis), so keys, aliases and usage are unavailable.");
