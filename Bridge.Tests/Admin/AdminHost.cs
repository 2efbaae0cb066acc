using System.Net;
using System.Text.RegularExpressions;
using Bridge.Admin.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Bridge.Tests.Admin;

/// <summary>The real admin on Kestrel at a free loopback port, with a temp config and a known master key.</summary>
public sealed partial class AdminHost : IAsyncDisposable
{
    public const string MasterKey = "sk-admin-test-7f3c9e21d4b8";

    public const string ConfigYaml = $"""
        model_list:
          - model_name: gpt-4o-test
            litellm_params:
              model: azure/gpt4o-deployment-x
              api_base: https://example-resource.openai.azure.com/openai?sig=do-not-show
              api_key: os.environ/BRIDGE_ADMIN_TEST_UNSET_VAR
              rpm: 600
          - model_name: claude-test
            litellm_params:
              model: anthropic/claude-sonnet-4-5
              api_key: upstream-key-not-shown
              tpm: 100000
        litellm_settings:
          model_alias_map:
            sonnet-alias: claude-test
            dangling-alias: not-a-model
        general_settings:
          master_key: {MasterKey}
        """;

    private readonly WebApplication _app;
    private readonly string _directory;

    private AdminHost(WebApplication app, string directory, Uri baseAddress)
    {
        _app = app;
        _directory = directory;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }
    public IServiceProvider Services => _app.Services;

    public static async Task<AdminHost> StartAsync(
        string yaml = ConfigYaml, IEnumerable<KeyValuePair<string, string?>>? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        var directory = Directory.CreateTempSubdirectory("bridge-admin-test-").FullName;
        var path = Path.Combine(directory, "config.yaml");
        await File.WriteAllTextAsync(path, yaml);
        WebApplication app;
        try
        {
            app = AdminApp.Build(["--config", path, "--urls", "http://127.0.0.1:0"], builder =>
            {
                builder.Logging.SetMinimumLevel(LogLevel.Warning);
                if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
                configure?.Invoke(builder);
            });
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
        await app.StartAsync();
        var address = app.Urls.Single();
        return new AdminHost(app, directory, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    /// <summary>A browser-like client: cookies kept, redirects not followed (tests assert them).</summary>
    public HttpClient CreateClient() =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseCookies = true })
        {
            BaseAddress = BaseAddress,
        };

    public static async Task<string> AntiforgeryTokenFromAsync(HttpClient client, string path)
    {
        var html = await client.GetStringAsync(path);
        var match = TokenField().Match(html);
        Assert.True(match.Success, $"no antiforgery token in {path}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    public static Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, params (string Name, string Value)[] fields) =>
        client.PostAsync(path, new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))));

    /// <summary>GET /login for the token, then POST the key.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string key, string returnUrl = "/")
    {
        var token = await AntiforgeryTokenFromAsync(client, "login");
        return await PostFormAsync(client, "login", ("__RequestVerificationToken", token), ("key", key), ("returnUrl", returnUrl));
    }

    [GeneratedRegex(@"name=""__RequestVerificationToken"" value=""([^""]+)""")]
    private static partial Regex TokenField();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
