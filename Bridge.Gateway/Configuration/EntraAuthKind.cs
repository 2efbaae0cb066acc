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
