using System.Diagnostics;
using System.Text;

namespace Bridge.Tests.Infrastructure;

/// <summary>
/// The gateway as a separate OS process (<c>dotnet Bridge.Gateway.dll</c>), for tests where two replicas
/// must share only Redis. Output is captured so tests can check what was logged.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _directory;

    private GatewayProcess(Process process, string directory, string baseUrl)
    {
        _process = process;
        _directory = directory;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static async Task<GatewayProcess> StartAsync(string configYaml, string? redis, IDictionary<string, string>? environment = null)
    {
        var directory = Directory.CreateTempSubdirectory("bridge-gwp-").FullName;
        var config = Path.Combine(directory, "config.yaml");
        await File.WriteAllTextAsync(config, configYaml);
        var port = GarnetInstance.FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var dll = Path.Combine(AppContext.BaseDirectory, "Bridge.Gateway.dll");
        var info = new ProcessStartInfo("dotnet", [dll, "--config", config, "--urls", baseUrl])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        info.Environment["ConnectionStrings__redis"] = redis ?? "";
        info.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = "";
        info.Environment["BRIDGE_MASTER_KEY"] = "";
        info.Environment["LITELLM_MASTER_KEY"] = "";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;

        var process = Process.Start(info)!;
        var gateway = new GatewayProcess(process, directory, baseUrl);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (gateway._output) gateway._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (gateway._output) gateway._output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"gateway exited with {process.ExitCode}: {gateway.Output}");
            try
            {
                using var response = await probe.GetAsync(baseUrl + "/");
                if (response.IsSuccessStatusCode) return gateway;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        await gateway.DisposeAsync();
        throw new TimeoutException("gateway did not start: " + gateway.Output);
    }

    public HttpClient CreateClient(string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Add("x-api-key", key);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
