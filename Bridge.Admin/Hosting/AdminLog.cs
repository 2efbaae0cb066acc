namespace Bridge.Admin.Hosting;

/// <summary>Every log line the admin writes. None of them takes a key, a password or a connection string.</summary>
internal static partial class AdminLog
{
    [LoggerMessage(1, LogLevel.Warning, "Config: {Warning}")]
    public static partial void ConfigWarning(ILogger logger, string warning);

    [LoggerMessage(2, LogLevel.Information, "Loaded {Deployments} deployments and {Aliases} aliases from {Path}")]
    public static partial void ConfigLoaded(ILogger logger, int deployments, int aliases, string path);

    [LoggerMessage(3, LogLevel.Information, "Admin sign-in uses the master key from {Source}")]
    public static partial void MasterKeyConfigured(ILogger logger, string source);

    [LoggerMessage(10, LogLevel.Information, "Redis not configured (ConnectionStrings:redis is empty); the admin runs read-only from config")]
    public static partial void RedisNotConfigured(ILogger logger);

    [LoggerMessage(11, LogLevel.Information, "Redis connected: {Endpoint}")]
    public static partial void RedisConnected(ILogger logger, string endpoint);

    [LoggerMessage(12, LogLevel.Warning, "Redis unavailable at {Endpoint}: {Reason}")]
    public static partial void RedisUnavailable(ILogger logger, string endpoint, string reason);

    [LoggerMessage(20, LogLevel.Information, "Admin signed in from {Client}")]
    public static partial void SignedIn(ILogger logger, string client);

    [LoggerMessage(21, LogLevel.Warning, "Admin sign-in refused from {Client}: wrong key ({Failures} consecutive failures)")]
    public static partial void SignInFailed(ILogger logger, string client, int failures);

    [LoggerMessage(22, LogLevel.Warning, "Admin sign-in refused from {Client}: throttled for {Seconds} more seconds")]
    public static partial void SignInThrottled(ILogger logger, string client, int seconds);

    [LoggerMessage(23, LogLevel.Information, "Admin signed out from {Client}")]
    public static partial void SignedOut(ILogger logger, string client);

    [LoggerMessage(24, LogLevel.Warning, "Refused a {Path} form post from {Client}: missing or invalid antiforgery token")]
    public static partial void AntiforgeryRejected(ILogger logger, string path, string client);

    [LoggerMessage(25, LogLevel.Warning, "Management API refused a master key from {Client} ({Failures} consecutive failures)")]
    public static partial void ApiKeyRefused(ILogger logger, string client, int failures);

    [LoggerMessage(26, LogLevel.Warning, "Management API refused {Client}: throttled for {Seconds} more seconds")]
    public static partial void ApiKeyThrottled(ILogger logger, string client, int seconds);

    [LoggerMessage(31, LogLevel.Warning, "A {What} operation failed")]
    public static partial void StoreFailed(ILogger logger, Exception exception, string what);

    [LoggerMessage(30, LogLevel.Error, "Could not load {What}")]
    public static partial void CatalogFailed(ILogger logger, Exception exception, string what);
}
