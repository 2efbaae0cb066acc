using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Bridge.Bench;
using Garnet;

namespace Bridge.LoadTest.Macro;

/// <summary>
/// The hostile-client run of issue 10: the real gateway as its own process under a 512 MB GC heap limit (a small
/// container), with Garnet as its Redis and the fast fake upstream, attacked in two phases while a well-behaved client
/// keeps sending a small and a 3 MB request every half second:
/// <list type="number">
/// <item>random keys: <c>--random-keys</c> requests (200,000 by default), each with a fresh random <c>x-api-key</c>,
/// from 64 connections, with the wrong-key throttle off so every key reaches the key cache (the worst case);</item>
/// <item>slow declarations: <c>--slow</c> connections (200) that each declare a 32 MiB body, send 20 KiB and then hold
/// still for <c>--hold</c> seconds (20).</item>
/// </list>
/// Reports the gateway's resident memory before and after each phase, what the attackers and the well-behaved client
/// got back, and whether the gateway logged an <see cref="OutOfMemoryException"/>. Bounded in count and time; loopback only.
/// </summary>
public static class HostileRun
{
    private const string MasterKey = "sk-hostile-run-master";

    public static async Task<int> RunAsync(string[] args)
    {
        var randomKeys = Option(args, "--random-keys", 200_000);
        var slowConnections = Option(args, "--slow", 200);
        var holdSeconds = Option(args, "--hold", 20);
        var rounds = Option(args, "--rounds", 2);
        // Another build of the gateway to attack (say, an older commit's), for a before/after comparison.
        var gatewayDll = args.Contains("--gateway-dll") ? Path.GetFullPath(args[Array.IndexOf(args, "--gateway-dll") + 1])
            : Path.Combine(AppContext.BaseDirectory, "Bridge.Gateway.dll");
        var output = args.Contains("--out") ? args[Array.IndexOf(args, "--out") + 1] : "bench/results/hostile.md";
        var workDir = Path.Combine(Path.GetTempPath(), $"bridge-hostile-{Environment.ProcessId}");
        Directory.CreateDirectory(workDir);

        var garnetPort = FreePort();
        using var garnet = new GarnetServer(["--bind", "127.0.0.1", "--port", garnetPort.ToString(CultureInfo.InvariantCulture), "--lua", "-q"]);
        garnet.Start();
        await using var fake = await FakeOpenAI.StartAsync(streamChunks: 5);
        var gatewayPort = FreePort();
        var config = Path.Combine(workDir, "config.yaml");
        await File.WriteAllTextAsync(config, $"""
            model_list:
              - model_name: {BenchFixtures.AnthropicModel}
                litellm_params: {"{"} model: openai/{BenchFixtures.UpstreamModel}, api_base: "{fake.BaseUrl}/v1", api_key: sk-fake {"}"}
            general_settings:
              master_key: {MasterKey}
            """);
        var environment = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_GCHeapHardLimit"] = "0x20000000", // 512 MB
            ["ConnectionStrings__redis"] = $"127.0.0.1:{garnetPort}",
            ["Bridge__AuthFailuresPerMinute"] = "0",
        };
        var logPath = Path.Combine(workDir, "gateway.log");
        using var gateway = ChildProcess.Start("dotnet",
            [gatewayDll, "--config", config, "--urls", $"http://127.0.0.1:{gatewayPort}"],
            logPath, environment);
        await gateway.WaitForPortAsync(gatewayPort);
        var baseUri = new Uri($"http://127.0.0.1:{gatewayPort}");

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 128, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = baseUri,
            Timeout = TimeSpan.FromSeconds(60),
        };
        var small = BenchFixtures.SmallMessagesRequest(stream: false);
        var threeMb = ThreeMegabyteRequest();

        // Warm up: the well-behaved path, so "before" is a gateway that has served traffic.
        for (var i = 0; i < 500; i++) await SendAsync(http, small, MasterKey);
        await SendAsync(http, threeMb, MasterKey);
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"# Hostile-client run ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Gateway `{gatewayDll}` as its own process under `DOTNET_GCHeapHardLimit=512 MB`, Garnet as Redis, wrong-key throttle off. {Environment.ProcessorCount} cores, load {ProcStats.LoadAverage()}.");
        report.AppendLine();
        report.AppendLine("| phase | gateway RSS before | RSS after | peak RSS (VmHWM) | attack answers | well-behaved small | well-behaved 3 MB | time |");
        report.AppendLine("|---|---|---|---|---|---|---|---|");

        // Phase 1: random keys, in rounds, to tell a bounded cache (flat after the first round) from a leak.
        for (var round = 1; round <= rounds; round++)
        {
            var before = Rss(gateway.Pid);
            using var probe = new Probe(http, small, threeMb);
            var statuses = new Dictionary<int, int>();
            var next = 0;
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, 64).Select(async _ =>
            {
                while (Interlocked.Increment(ref next) <= randomKeys)
                {
                    var status = await SendAsync(http, small, "sk-" + Guid.NewGuid().ToString("N"));
                    lock (statuses) statuses[status] = statuses.GetValueOrDefault(status) + 1;
                }
            }));
            var elapsed = watch.Elapsed;
            await probe.StopAsync();
            report.AppendLine(Row($"{randomKeys:N0} random keys (round {round})", before, Rss(gateway.Pid), Hwm(gateway.Pid), statuses, probe, elapsed));
        }

        // Phase 2: slow 32 MiB declarations.
        {
            var before = Rss(gateway.Pid);
            using var probe = new Probe(http, small, threeMb);
            var watch = Stopwatch.StartNew();
            var sockets = new List<TcpClient>();
            var opened = 0;
            for (var i = 0; i < slowConnections; i++)
            {
                try
                {
                    sockets.Add(await DeclareAsync(baseUri, 32L * 1024 * 1024, 20 * 1024));
                    opened++;
                }
                catch (Exception ex) when (ex is IOException or SocketException)
                {
                }
            }
            await Task.Delay(TimeSpan.FromSeconds(holdSeconds));
            var during = Rss(gateway.Pid);
            foreach (var socket in sockets) socket.Dispose();
            await Task.Delay(TimeSpan.FromSeconds(2));
            var elapsed = watch.Elapsed;
            await probe.StopAsync();
            var statuses = new Dictionary<int, int> { [0] = opened };
            report.AppendLine(Row($"{slowConnections} x 32 MiB declared, 20 KiB sent, held {holdSeconds} s (RSS while held: {during / 1024.0:0} MB)",
                before, Rss(gateway.Pid), Hwm(gateway.Pid), statuses, probe, elapsed, attackNote: $"{opened} connections held open"));
        }

        var log = await ReadSharedAsync(logPath);
        var oom = CountOccurrences(log, "OutOfMemoryException");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"`OutOfMemoryException` in the gateway's log: {oom}. Gateway still running: {!gateway.HasExited}.");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, report.ToString());
        Console.WriteLine(report.ToString());
        try { Directory.Delete(workDir, recursive: true); } catch (IOException) { }
        return oom == 0 && !gateway.HasExited ? 0 : 1;
    }

    private static string Row(string phase, long before, long after, long hwm, Dictionary<int, int> statuses, Probe probe, TimeSpan elapsed, string? attackNote = null) =>
        string.Create(CultureInfo.InvariantCulture,
            $"| {phase} | {before / 1024.0:0} MB | {after / 1024.0:0} MB | {hwm / 1024.0:0} MB | {attackNote ?? Describe(statuses)} | {Describe(probe.Small)} | {Describe(probe.Large)} | {elapsed.TotalSeconds:0} s |");

    private static string Describe(Dictionary<int, int> statuses)
    {
        lock (statuses) return string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => s.Key == 0 ? $"{s.Value} failed" : $"{s.Value} x {s.Key}"));
    }

    private static async Task<int> SendAsync(HttpClient http, byte[] body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("x-api-key", key);
        request.Headers.Add("anthropic-version", "2023-06-01");
        try
        {
            using var response = await http.SendAsync(request);
            await response.Content.CopyToAsync(Stream.Null);
            return (int)response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            return 0;
        }
    }

    /// <summary>A well-behaved client during an attack: a small and a 3 MB request every half second.</summary>
    private sealed class Probe : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public Probe(HttpClient http, byte[] small, byte[] large)
        {
            _loop = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    var s = await SendAsync(http, small, MasterKey);
                    lock (Small) Small[s] = Small.GetValueOrDefault(s) + 1;
                    var l = await SendAsync(http, large, MasterKey);
                    lock (Large) Large[l] = Large.GetValueOrDefault(l) + 1;
                    try { await Task.Delay(500, _stop.Token); } catch (OperationCanceledException) { }
                }
            });
        }

        public Dictionary<int, int> Small { get; } = [];
        public Dictionary<int, int> Large { get; } = [];

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _loop;
        }

        public void Dispose() => _stop.Dispose();
    }

    private static byte[] ThreeMegabyteRequest()
    {
        var text = new string('x', 3 * 1024 * 1024);
        return Encoding.UTF8.GetBytes(
            $$"""{"model":"{{BenchFixtures.AnthropicModel}}","max_tokens":64,"messages":[{"role":"user","content":"Summarise: {{text}}"}]}""");
    }

    private static async Task<TcpClient> DeclareAsync(Uri gateway, long declared, int sent)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(gateway.Host, gateway.Port);
        var stream = tcp.GetStream();
        var head = $"POST /v1/messages HTTP/1.1\r\nHost: {gateway.Authority}\r\nx-api-key: {MasterKey}\r\nContent-Type: application/json\r\nContent-Length: {declared}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(Encoding.ASCII.GetBytes("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('a', sent)).AsMemory(0, sent));
        await stream.FlushAsync();
        return tcp;
    }

    private static long Rss(int pid) => ProcStats.StatusKilobytes(pid, "VmRSS:");
    private static long Hwm(int pid) => ProcStats.StatusKilobytes(pid, "VmHWM:");

    private static async Task<string> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    private static int CountOccurrences(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
