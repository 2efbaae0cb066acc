using Bridge.Gateway.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Bridge.Tests.Infrastructure;

/// <summary>The real gateway, hosted in the test process on a free loopback port with a given config.yaml.</summary>
public sealed class GatewayHost : IAsyncDisposable
{
    public const string MasterKey = "sk-test-master-key-0123456789";

    private readonly WebApplication _app;
    private readonly string _directory;

    private GatewayHost(WebApplication app, string directory)
    {
        _app = app;
        _directory = directory;
        BaseUrl = app.Urls.First().TrimEnd('/');
    }

    public string BaseUrl { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The config.yaml the gateway was started with (tests rewrite it to see it reload).</summary>
    public string ConfigPath => Path.Combine(_directory, "config.yaml");

    public static Task<GatewayHost> StartAsync(string configYaml, IDictionary<string, string?>? settings = null, params string[] extraArgs) =>
        StartAsync(configYaml, settings, null, extraArgs);

    /// <summary>As above, with <paramref name="configure"/> run on the builder first (a service the test brings wins).</summary>
    public static async Task<GatewayHost> StartAsync(string configYaml, IDictionary<string, string?>? settings, Action<WebApplicationBuilder>? configure, params string[] extraArgs)
    {
        var directory = Directory.CreateTempSubdirectory("bridge-gw-").FullName;
        var configPath = Path.Combine(directory, "config.yaml");
        await File.WriteAllTextAsync(configPath, configYaml);
        var args = new List<string> { "--config", configPath, "--urls", "http://127.0.0.1:0" };
        args.AddRange(extraArgs);
        var app = GatewayApp.Build(args.ToArray(), builder =>
        {
            builder.Logging.ClearProviders();
            if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        return new GatewayHost(app, directory);
    }

    public HttpClient CreateClient(string? key = MasterKey)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        if (key is not null) client.DefaultRequestHeaders.Add("x-api-key", key);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2))) await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
