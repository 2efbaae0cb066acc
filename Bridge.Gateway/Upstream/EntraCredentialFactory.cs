using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Bridge.Gateway.Configuration;

namespace Bridge.Gateway.Upstream;

/// <summary>
/// Makes the Azure.Identity credential for an Azure deployment's Entra ID settings. A service of its own so that
/// a host (and the tests' fake authority, whose certificate is self-signed) can give it the HTTP transport.
/// </summary>
public class EntraCredentialFactory
{
    /// <summary>The transport Azure.Identity talks to the authority over; null for its default.</summary>
    public HttpPipelineTransport? Transport { get; init; }

    public virtual TokenCredential Create(EntraAuth auth)
    {
        switch (auth.Kind)
        {
            case EntraAuthKind.ClientSecret:
            {
                var options = new ClientSecretCredentialOptions();
                Configure(options, auth);
                return new ClientSecretCredential(auth.TenantId, auth.ClientId, auth.ClientSecret, options);
            }
            case EntraAuthKind.Ambient:
            {
                var options = new DefaultAzureCredentialOptions { ManagedIdentityClientId = auth.ClientId };
                if (auth.TenantId is not null) options.TenantId = auth.TenantId;
                Configure(options, auth);
                return new DefaultAzureCredential(options);
            }
            default:
                throw new InvalidOperationException($"{auth.Kind} needs no credential");
        }
    }

    private void Configure(TokenCredentialOptions options, EntraAuth auth)
    {
        if (auth.AuthorityHost is { } authority)
        {
            options.AuthorityHost = authority;
            // A sovereign or private authority is named on purpose: no discovery call to the public cloud's metadata.
            if (options is ClientSecretCredentialOptions secret) secret.DisableInstanceDiscovery = true;
            if (options is DefaultAzureCredentialOptions ambient) ambient.DisableInstanceDiscovery = true;
        }
        if (Transport is not null) options.Transport = Transport;
    }
}
