namespace Bridge.Gateway.Configuration;

/// <summary>How an <c>azure/</c> deployment without an <c>api_key</c> gets its Entra ID bearer token.</summary>
public enum EntraAuthKind
{
    /// <summary><c>azure_ad_token</c>: a token the operator supplies, sent as it is.</summary>
    StaticToken,
    /// <summary><c>tenant_id</c> + <c>client_id</c> + <c>client_secret</c>: the OAuth2 client credentials flow.</summary>
    ClientSecret,
    /// <summary>None of these: the ambient identity (managed identity, workload identity, Azure CLI...).</summary>
    Ambient,
}

/// <summary>
/// An Azure deployment's Entra ID settings. A class, not a record: a record's generated <c>ToString</c> would
/// print the secret into any log that formats it.
/// </summary>
public sealed class EntraAuth
{
    /// <summary>The scope Azure OpenAI tokens are issued for.</summary>
    public const string CognitiveServicesScope = "https://cognitiveservices.azure.com/.default";

    public required EntraAuthKind Kind { get; init; }
    public string? StaticToken { get; init; }
    public string? TenantId { get; init; }
    public string? ClientId { get; init; }
    public string? ClientSecret { get; init; }
    /// <summary><c>azure_scope</c>: the audience asked for; Azure OpenAI's by default.</summary>
    public string Scope { get; init; } = CognitiveServicesScope;
    /// <summary>The Entra authority (<c>AZURE_AUTHORITY_HOST</c>, as Azure.Identity reads it); null for the public cloud.</summary>
    public Uri? AuthorityHost { get; init; }
}
