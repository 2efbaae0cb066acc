using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Upstream;
using Bridge.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bridge.Tests.Upstream;

/// <summary>
/// Azure deployments authenticating with Entra ID: a token fetched from a fake Entra authority (a real OAuth2 token
/// endpoint on loopback) reaches the fake Azure upstream as the bearer, on the classic deployment path and on
/// <c>/openai/v1/</c>; it is kept, and fetched anew before it expires.
/// </summary>
public sealed class AzureEntraTests : IAsyncLifetime
{
    private FakeEntraAuthority _authority = null!;
    private FakeUpstream _azure = null!;

    public async Task InitializeAsync()
    {
        _authority = await FakeEntraAuthority.StartAsync();
        _azure = await FakeUpstream.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _azure.DisposeAsync();
        await _authority.DisposeAsync();
    }

    private string EntraParams(string secret = FakeEntraAuthority.ClientSecret) => $"""
              tenant_id: {FakeEntraAuthority.Tenant}
              client_id: {FakeEntraAuthority.ClientId}
              client_secret: os.environ/TEST_AZURE_CLIENT_SECRET
              azure_authority_host: {_authority.AuthorityHost}
        """.Replace("os.environ/TEST_AZURE_CLIENT_SECRET", secret, StringComparison.Ordinal);

    private Task<GatewayHost> StartGatewayAsync(string modelList) => GatewayHost.StartAsync($"""
        model_list:
        {modelList}
        general_settings:
          master_key: {GatewayHost.MasterKey}
        """, null, builder => builder.Services.AddSingleton(_authority.CredentialFactory));

    private static Task<HttpResponseMessage> ChatAsync(HttpClient client, string model) =>
        client.PostAsJsonAsync("/v1/chat/completions", new { model, messages = new[] { new { role = "user", content = "hi" } } });

    [Fact]
    public async Task ClientCredentials_TokenFromTheAuthority_IsTheBearer_OnBothAzurePaths_AndIsKept()
    {
        await using var gateway = await StartGatewayAsync($"""
              - model_name: classic
                litellm_params:
                  model: azure/gpt-4o-team
                  api_base: {_azure.BaseUrl}
                  api_version: "2024-10-21"
            {EntraParams()}
              - model_name: v1
                litellm_params:
                  model: azure/gpt-4o-team
                  api_base: {_azure.BaseUrl}/openai/v1
            {EntraParams()}
            """);
        using var client = gateway.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            foreach (var (model, path) in new[] { ("classic", "/openai/deployments/gpt-4o-team/chat/completions"), ("v1", "/openai/v1/chat/completions") })
            {
                using var response = await ChatAsync(client, model);
                Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
                var seen = _azure.LastRequest;
                Assert.Equal(path, seen.Path);
                Assert.StartsWith("Bearer entra-token-", seen.Headers["authorization"], StringComparison.Ordinal);
                Assert.False(seen.Headers.ContainsKey("api-key"));
            }
        }

        // One token per deployment, asked for Azure OpenAI's scope with the configured client, then kept.
        Assert.Equal(2, _authority.TokenRequests.Count);
        Assert.All(_authority.TokenRequests, form =>
        {
            Assert.Equal("https://cognitiveservices.azure.com/.default", form["scope"]);
            Assert.Equal(FakeEntraAuthority.ClientId, form["client_id"]);
        });
        Assert.Equal(2, _azure.Requests.Select(r => r.Headers["authorization"]).Distinct().Count());
    }

    [Fact]
    public async Task NoKeyNoSecret_UsesTheAmbientIdentity_HereTheEnvironmentsServicePrincipal()
    {
        // DefaultAzureCredential tries the environment's service principal first (AZURE_TENANT_ID, AZURE_CLIENT_ID,
        // AZURE_CLIENT_SECRET): the ambient identity of a container given those. Nothing else in the tests reads them.
        var names = new[] { "AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET" };
        var before = names.Select(Environment.GetEnvironmentVariable).ToArray();
        Environment.SetEnvironmentVariable("AZURE_TENANT_ID", FakeEntraAuthority.Tenant);
        Environment.SetEnvironmentVariable("AZURE_CLIENT_ID", FakeEntraAuthority.ClientId);
        Environment.SetEnvironmentVariable("AZURE_CLIENT_SECRET", FakeEntraAuthority.ClientSecret);
        try
        {
            await using var gateway = await StartGatewayAsync($"""
                  - model_name: ambient
                    litellm_params:
                      model: azure/gpt-4o-team
                      api_base: {_azure.BaseUrl}/openai/v1
                      azure_authority_host: {_authority.AuthorityHost}
                """);
            using var client = gateway.CreateClient();

            using var response = await ChatAsync(client, "ambient");

            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            Assert.Equal("/openai/v1/chat/completions", _azure.LastRequest.Path);
            Assert.Equal("Bearer entra-token-1", _azure.LastRequest.Headers["authorization"]);
            Assert.Equal("https://cognitiveservices.azure.com/.default", Assert.Single(_authority.TokenRequests)["scope"]);
        }
        finally
        {
            for (var i = 0; i < names.Length; i++) Environment.SetEnvironmentVariable(names[i], before[i]);
        }
    }

    [Fact]
    public async Task AzureAdToken_IsSentAsTheBearer()
    {
        await using var gateway = await StartGatewayAsync($"""
              - model_name: static
                litellm_params:
                  model: azure/gpt-4o-team
                  api_base: {_azure.BaseUrl}
                  azure_ad_token: eyJ0eXAi.static-entra-token
            """);
        using var client = gateway.CreateClient();

        using var response = await ChatAsync(client, "static");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer eyJ0eXAi.static-entra-token", _azure.LastRequest.Headers["authorization"]);
        Assert.Empty(_authority.TokenRequests);
    }

    [Fact]
    public async Task RefusedClientSecret_IsABadGatewayInTheClientsEnvelope_NamingNoSecret()
    {
        await using var gateway = await StartGatewayAsync($"""
              - model_name: wrong
                litellm_params:
                  model: azure/gpt-4o-team
                  api_base: {_azure.BaseUrl}
            {EntraParams("not-the-secret")}
            """);
        using var client = gateway.CreateClient();

        using var response = await ChatAsync(client, "wrong");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        Assert.Contains("Entra ID token", error.GetProperty("message").GetString());
        Assert.DoesNotContain("not-the-secret", text);
        Assert.Empty(_azure.Requests); // never called without a token
    }

    [Fact]
    public async Task NeitherTheSecretNorTheToken_IsEverLogged()
    {
        var logs = new Bridge.Tests.Admin.LogCapture();
        await using var gateway = await GatewayHost.StartAsync($"""
            model_list:
              - model_name: good
                litellm_params:
                  model: azure/gpt-4o-team
                  api_base: {_azure.BaseUrl}
            {EntraParams()}
              - model_name: wrong
                litellm_params:
                  model: azure/gpt-4o-team
                  api_base: {_azure.BaseUrl}
            {EntraParams("not-the-secret")}
            general_settings:
              master_key: {GatewayHost.MasterKey}
            """, null, builder =>
        {
            builder.Services.AddSingleton(_authority.CredentialFactory);
            builder.Logging.AddProvider(logs);
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
        });
        using var client = gateway.CreateClient();

        using (var ok = await ChatAsync(client, "good")) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using (var refused = await ChatAsync(client, "wrong")) Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);

        Assert.Contains("no Entra ID token", logs.All); // the failure is logged...
        Assert.DoesNotContain(FakeEntraAuthority.ClientSecret, logs.All); // ...but never a secret
        Assert.DoesNotContain("not-the-secret", logs.All);
        Assert.DoesNotContain("entra-token-", logs.All);
    }

    private ModelDeployment ClientSecretDeployment() => ConfigLoader.Parse($"""
        model_list:
          - model_name: m
            litellm_params:
              model: azure/gpt-4o-team
              api_base: https://r.openai.azure.com
        {EntraParams()}
        """, new EnvironmentSource(null, _ => null)).Deployments[0];

    [Fact]
    public async Task Token_IsFetchedAnew_FiveMinutesBeforeItExpires()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var tokens = new EntraTokens(_authority.CredentialFactory, clock);
        var deployment = ClientSecretDeployment();

        Assert.Equal("entra-token-1", await tokens.GetAsync(deployment, CancellationToken.None));
        clock.Advance(TimeSpan.FromMinutes(54));
        Assert.Equal("entra-token-1", await tokens.GetAsync(deployment, CancellationToken.None));
        Assert.Single(_authority.TokenRequests);

        clock.Advance(TimeSpan.FromMinutes(2)); // 56 of 60 minutes: inside the last five
        Assert.Equal("entra-token-2", await tokens.GetAsync(deployment, CancellationToken.None));
        Assert.Equal("entra-token-2", await tokens.GetAsync(deployment, CancellationToken.None));
        Assert.Equal(2, _authority.TokenRequests.Count);
    }

    [Fact]
    public async Task ShortLivedToken_IsFetchedAnew_HalfwayThroughItsLife()
    {
        _authority.TokenLifetime = TimeSpan.FromMinutes(2);
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var tokens = new EntraTokens(_authority.CredentialFactory, clock);
        var deployment = ClientSecretDeployment();

        Assert.Equal("entra-token-1", await tokens.GetAsync(deployment, CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal("entra-token-1", await tokens.GetAsync(deployment, CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal("entra-token-2", await tokens.GetAsync(deployment, CancellationToken.None));
    }

    [Fact]
    public void EntraSettings_LoadAsLiteLLMOrdersThem()
    {
        static ModelDeployment Load(string extra) => ConfigLoader.Parse($$"""
            model_list:
              - model_name: m
                litellm_params: { model: azure/d, api_base: "https://r.openai.azure.com"{{extra}} }
            """, new EnvironmentSource(null, _ => null)).Deployments[0];

        Assert.Null(Load(", api_key: k").Entra);
        Assert.Equal(EntraAuthKind.StaticToken, Load(", azure_ad_token: t").Entra!.Kind);
        Assert.Equal(EntraAuthKind.ClientSecret, Load(", tenant_id: t, client_id: c, client_secret: s").Entra!.Kind);
        var ambient = Load("");
        Assert.True(ambient.IsAvailable, ambient.UnavailableReason); // no key is no longer "unavailable": the ambient identity
        Assert.Equal(EntraAuthKind.Ambient, ambient.Entra!.Kind);
        Assert.Equal("https://cognitiveservices.azure.com/.default", ambient.Entra.Scope);
        Assert.Equal("c-mi", Load(", client_id: c-mi").Entra!.ClientId); // a user-assigned managed identity
        Assert.Equal("api://custom/.default", Load(", azure_scope: api://custom/.default").Entra!.Scope);
        Assert.Throws<ConfigException>(() => Load(", client_secret: s"));
    }
}
