using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Core.Pipeline;
using Bridge.Gateway.Upstream;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bridge.Tests.Infrastructure;

/// <summary>
/// A real OAuth2 token endpoint on loopback standing in for Microsoft Entra ID: it answers the client credentials
/// grant at <c>/{tenant}/oauth2/v2.0/token</c> when the client id and secret match, issuing <c>entra-token-1</c>,
/// <c>entra-token-2</c>... Entra is https only (Azure.Identity refuses an http authority), so it serves a
/// self-signed certificate that <see cref="CredentialFactory"/>'s transport trusts.
/// </summary>
public sealed class FakeEntraAuthority : IAsyncDisposable
{
    public const string Tenant = "11111111-2222-3333-4444-555555555555";
    public const string ClientId = "bridge-test-client";
    public const string ClientSecret = "bridge-test-secret-do-not-log";

    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;
    private int _issued;

    private FakeEntraAuthority(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        _certificate = certificate;
    }

    /// <summary>Lifetime of the tokens issued from now on (<c>expires_in</c>).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Token requests received, with their form fields.</summary>
    public ConcurrentQueue<IReadOnlyDictionary<string, string>> TokenRequests { get; } = new();

    /// <summary>Every path asked for, token endpoint or not (discovery would show up here).</summary>
    public ConcurrentQueue<string> Paths { get; } = new();

    public string AuthorityHost { get; private set; } = "";

    public string LastIssuedToken => $"entra-token-{_issued}";

    /// <summary>Azure.Identity credentials whose transport trusts this authority's certificate (and only it).</summary>
    public EntraCredentialFactory CredentialFactory => new()
    {
        Transport = new HttpClientTransport(new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == _certificate.Thumbprint,
        }),
    };

    public static async Task<FakeEntraAuthority> StartAsync()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        var authority = new FakeEntraAuthority(app, certificate);
        app.Run(authority.HandleAsync);
        await app.StartAsync();
        authority.AuthorityHost = app.Urls.First().TrimEnd('/') + "/";
        return authority;
    }

    private async Task HandleAsync(HttpContext context)
    {
        Paths.Enqueue(context.Request.Path);
        if (!HttpMethods.IsPost(context.Request.Method) || context.Request.Path != $"/{Tenant}/oauth2/v2.0/token" || !context.Request.HasFormContentType)
        {
            context.Response.StatusCode = 404;
            return;
        }
        var form = await context.Request.ReadFormAsync();
        var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString());
        TokenRequests.Enqueue(fields);
        if (fields.GetValueOrDefault("grant_type") != "client_credentials" || fields.GetValueOrDefault("client_id") != ClientId
            || fields.GetValueOrDefault("client_secret") != ClientSecret)
        {
            context.Response.StatusCode = 401;
            await context.Response.WriteAsJsonAsync(new Dictionary<string, object>
            {
                ["error"] = "invalid_client", ["error_description"] = "AADSTS7000215: Invalid client secret provided.", ["error_codes"] = new[] { 7000215 },
            });
            return;
        }
        var number = Interlocked.Increment(ref _issued);
        var seconds = (long)TokenLifetime.TotalSeconds;
        await context.Response.WriteAsJsonAsync(new Dictionary<string, object>
        {
            ["token_type"] = "Bearer", ["expires_in"] = seconds, ["ext_expires_in"] = seconds, ["access_token"] = $"entra-token-{number}",
        });
    }

    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2))) await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
        _certificate.Dispose();
    }
}
