namespace Bridge.Admin.Auth;

/// <summary>Which master key a caller presented: the configured one (<c>config</c>) or an admin-created one, by id.</summary>
/// <param name="Fingerprint">A short derivation of the key's hash; sessions carry it, never the key.</param>
public sealed record MasterKeyIdentity(string Id, string Fingerprint);
