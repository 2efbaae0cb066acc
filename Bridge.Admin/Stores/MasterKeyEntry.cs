namespace Bridge.Admin.Stores;

/// <summary>One master key as lists show it; the configuration's key has no record and cannot be revoked.</summary>
public sealed record MasterKeyEntry(string Id, string Name, string KeyPrefix, DateTimeOffset? CreatedAt, bool FromConfiguration)
{
    public const string ConfigurationId = "config";
}
