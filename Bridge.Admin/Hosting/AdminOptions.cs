namespace Bridge.Admin.Hosting;

/// <summary>Host-level settings of the admin that are not part of the LiteLLM config file.</summary>
public sealed class AdminOptions
{
    /// <summary>Absolute path of the config file, or null when none was given and the working directory has none.</summary>
    public string? ConfigPath { get; init; }
}
