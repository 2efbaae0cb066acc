using System.Globalization;

namespace Bridge.LoadTest.Macro;

/// <summary>Command-line options of the macro and soak runs.</summary>
public sealed record MacroOptions
{
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>Unmeasured traffic per scenario and target before any measurement, so the JIT reaches steady state.</summary>
    public TimeSpan JitWarmup { get; init; } = TimeSpan.FromSeconds(5);
    public IReadOnlyList<int> Connections { get; init; } = [1, 32];
    public IReadOnlyList<string> Scenarios { get; init; } = ["small", "small-stream", "claude-code", "claude-code-stream"];
    public int StreamChunks { get; init; } = 20;
    public string Output { get; init; } = "bench/results/macro.md";
    public TimeSpan SoakDuration { get; init; } = TimeSpan.FromMinutes(10);
    public TimeSpan SoakSampleEvery { get; init; } = TimeSpan.FromSeconds(10);
    public int SoakConnections { get; init; } = 32;
    public string SoakScenario { get; init; } = "small-stream";
    /// <summary>
    /// The gateway to measure (default: the Bridge.Gateway.dll built beside the load generator). Another build's
    /// dll measures an earlier commit with the same harness, in the same session: a before/after pair.
    /// </summary>
    public string? GatewayDll { get; init; }

    public static MacroOptions Parse(IReadOnlyList<string> args)
    {
        var options = new MacroOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            double Seconds() => double.Parse(Next(), CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--duration" => options with { Duration = TimeSpan.FromSeconds(Seconds()) },
                "--warmup" => options with { Warmup = TimeSpan.FromSeconds(Seconds()) },
                "--jit-warmup" => options with { JitWarmup = TimeSpan.FromSeconds(Seconds()) },
                "--connections" => options with { Connections = [.. Next().Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))] },
                "--scenarios" => options with { Scenarios = Next().Split(',') },
                "--chunks" => options with { StreamChunks = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--out" => options with { Output = Next() },
                "--soak-minutes" => options with { SoakDuration = TimeSpan.FromMinutes(double.Parse(Next(), CultureInfo.InvariantCulture)) },
                "--soak-sample-seconds" => options with { SoakSampleEvery = TimeSpan.FromSeconds(Seconds()) },
                "--soak-connections" => options with { SoakConnections = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--soak-scenario" => options with { SoakScenario = Next() },
                "--gateway" => options with { GatewayDll = Path.GetFullPath(Next()) },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }
        return options;
    }

    public static Scenario ScenarioNamed(string name) => name switch
    {
        "small" => new Scenario("small", ClaudeCodeSized: false, Stream: false),
        "small-stream" => new Scenario("small-stream", ClaudeCodeSized: false, Stream: true),
        "claude-code" => new Scenario("claude-code", ClaudeCodeSized: true, Stream: false),
        "claude-code-stream" => new Scenario("claude-code-stream", ClaudeCodeSized: true, Stream: true),
        _ => throw new ArgumentException($"unknown scenario {name} (small, small-stream, claude-code, claude-code-stream)"),
    };
}
