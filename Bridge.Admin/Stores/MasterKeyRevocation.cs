namespace Bridge.Admin.Stores;

public enum MasterKeyRevocation
{
    Revoked,
    NotFound,
    /// <summary>The key from configuration is not stored in Redis; change the configuration instead.</summary>
    FromConfiguration,
    /// <summary>It is the last master key: revoking it would lock everyone out.</summary>
    LastKey,
}
