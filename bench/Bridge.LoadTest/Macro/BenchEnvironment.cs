using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Bridge.Bench;
using Bridge.Gateway.Buffers;
using Bridge.Gateway.Translation;
using Bridge.Gateway.Translation.AnthropicToOpenAI;

namespace Bridge.LoadTest.Macro;

/// <summary>
/// The processes of a macro run: the fake OpenAI upstream, the real gateway
/// (<c>dotnet Bridge.Gateway.dll --config ... --urls ...</c>) and the bare forwarder (Kestrel in, HttpClient out,
/// bytes copied: the floor of any .NET gateway), each in its own process, with the load generator in this one.
/// Builds the targets for each scenario.
/// </summary>
public sealed class BenchEnvironment : IDisposable
{
    public const string MasterKey = "sk-bench";

    private BenchEnvironment(ChildProcess fake, int fakePort, ChildProcess gateway, int gatewayPort, ChildProcess forwarder, int forwarderPort)
    {
        Fake = fake;
        FakePort = fakePort;
        Gateway = gateway;
        GatewayPort = gatewayPort;
        Forwarder = forwarder;
        ForwarderPort = forwarderPort;
    }

    public ChildProcess Fake { get; }
    public int FakePort { get; }
    public ChildProcess Gateway { get; }
    public int GatewayPort { get; }
    public ChildProcess Forwarder { get; }
    public int ForwarderPort { get; }

    public static async Task<BenchEnvironment> StartAsync(string workDir, int streamChunks, string? gatewayDll = null)
    {
        Directory.CreateDirectory(workDir);
        var fakePort = FreePort();
        var gatewayPort = FreePort();
        var baseDir = AppContext.BaseDirectory;
        // No OTLP exporter: the gateway's telemetry is on, but nothing is shipped anywhere.
        var environment = new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "", ["DOTNET_ENVIRONMENT"] = "Production", ["ASPNETCORE_ENVIRONMENT"] = "Production" };

        var fake = ChildProcess.Start("dotnet",
            [Path.Combine(baseDir, "Bridge.LoadTest.dll"), "fake", "--port", fakePort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--chunks", streamChunks.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            Path.Combine(workDir, "fake.log"), environment);
        await fake.WaitForPortAsync(fakePort);

        var config = Path.Combine(workDir, "config.yaml");
        await File.WriteAllTextAsync(config, $"""
            model_list:
              - model_name: {BenchFixtures.AnthropicModel}
                litellm_params: {"{"} model: openai/{BenchFixtures.UpstreamModel}, api_base: "http://127.0.0.1:{fakePort}/v1", api_key: sk-fake {"}"}
                model_info: {"{"} id: fake {"}"}
            general_settings:
              master_key: {MasterKey}
            """);
        var gateway = ChildProcess.Start("dotnet",
            [gatewayDll ?? Path.Combine(baseDir, "Bridge.Gateway.dll"), "--config", config, "--urls", $"http://127.0.0.1:{gatewayPort}"],
            Path.Combine(workDir, "gateway.log"), environment);
        await gateway.WaitForPortAsync(gatewayPort);

        var forwarderPort = FreePort();
        var forwarder = ChildProcess.Start("dotnet",
            [Path.Combine(baseDir, "Bridge.LoadTest.dll"), "forwarder", "--port", forwarderPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--upstream", $"http://127.0.0.1:{fakePort}/v1/chat/completions"],
            Path.Combine(workDir, "forwarder.log"), environment);
        await forwarder.WaitForPortAsync(forwarderPort);
        return new BenchEnvironment(fake, fakePort, gateway, gatewayPort, forwarder, forwarderPort);
    }

    /// <summary>
    /// Bridge's /v1/messages; the fake's /v1/chat/completions with the body Bridge sends it, called directly and
    /// through the bare forwarder.
    /// </summary>
    public (Target Direct, Target Forwarder, Target Bridge) Targets(Scenario scenario)
    {
        var messages = scenario.ClaudeCodeSized
            ? BenchFixtures.ClaudeCodeMessagesRequest(scenario.Stream)
            : BenchFixtures.SmallMessagesRequest(scenario.Stream);
        using var tape = Bridge.Gateway.Json.JsonTape.Parse(messages);
        using var chat = new PooledBufferWriter(256 * 1024);
        var translation = AnthropicToOpenAIRequest.Translate(tape.Root, new OpenAITarget { Model = BenchFixtures.UpstreamModel }, chat);
        if (!translation.Ok) throw new InvalidOperationException($"{scenario.Name}: {translation.ErrorMessage}");

        var direct = new Target("direct", new Uri($"http://127.0.0.1:{FakePort}/v1/chat/completions"), chat.WrittenSpan.ToArray(),
            [new("Authorization", "Bearer sk-fake")]);
        var bridge = new Target("bridge", new Uri($"http://127.0.0.1:{GatewayPort}/v1/messages"), messages,
            [new("x-api-key", MasterKey), new("anthropic-version", "2023-06-01")]);
        var forwarder = direct with { Name = "forwarder", Url = new Uri($"http://127.0.0.1:{ForwarderPort}/v1/chat/completions") };
        return (direct, forwarder, bridge);
    }

    public void Dispose()
    {
        Forwarder.Dispose();
        Gateway.Dispose();
        Fake.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
