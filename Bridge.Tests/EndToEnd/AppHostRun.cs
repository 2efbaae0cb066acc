using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace Bridge.Tests.EndToEnd;

/// <summary>
/// The whole AppHost started with Aspire.Hosting.Testing: a config.yaml in a temp directory, the master key as
/// its parameter, Redis as in-process Garnet, no OTLP exporter (no dashboard listens in tests), and every
/// service healthy before the test goes on. Disposing stops the app and deletes the directory.
/// </summary>
public sealed class AppHostRun : IAsyncDisposable
{
    private readonly string _directory;

    private AppHostRun(DistributedApplication app, string directory)
    {
        App = app;
        _directory = directory;
    }

    public DistributedApplication App { get; }

    public static async Task<AppHostRun> StartAsync(string configYaml, string masterKey, IEnumerable<string> extraArgs, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("bridge-e2e-").FullName;
        try
        {
            var configPath = Path.Combine(directory, "config.yaml");
            await File.WriteAllTextAsync(configPath, configYaml, cancellationToken);
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Bridge_AppHost>(
                [$"--Bridge:ConfigPath={configPath}", $"--Parameters:master-key={masterKey}", "--Bridge:Redis=garnet", .. extraArgs], cancellationToken);
            foreach (var project in builder.Resources.OfType<ProjectResource>())
            {
                // Without this, shutdown waits for the exporter.
                builder.CreateResourceBuilder(project).WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", "");
            }

            var app = await builder.BuildAsync(cancellationToken);
            var run = new AppHostRun(app, directory);
            try
            {
                await app.StartAsync(cancellationToken);
                foreach (var resource in new[] { "redis", "gateway", "admin" })
                {
                    await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, cancellationToken);
                }
                return run;
            }
            catch
            {
                try { await run.DisposeAsync(); } catch (Exception) { /* the start failure is the one to report */ }
                throw;
            }
        }
        catch
        {
            TryDelete(directory);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await App.DisposeAsync();
        }
        finally
        {
            TryDelete(_directory);
        }
    }

    private static void TryDelete(string directory)
    {
        try { Directory.Delete(directory, recursive: true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
