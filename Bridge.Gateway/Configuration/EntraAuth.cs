namespace Bridge.Gateway.Configuration;

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
