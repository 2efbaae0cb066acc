namespace Bridge.Gateway.Configuration;

/// <summary>An invalid configuration; the message is one sentence naming the offending path.</summary>
public sealed class ConfigException(string message) : Exception(message);
