using System.Globalization;
using System.Text;

namespace Bridge.LoadTest.Macro;

/// <summary>
/// Streaming soak: Bridge under constant streaming load for a fixed time, its RSS sampled at a fixed
/// interval. Memory is flat when the last samples are not above the first ones after warm-up.
/// </summary>
public static class SoakRun
{
    public static async Task<int> RunAsync(MacroOptions options)
    {
        var workDir = Path.Combine(Path.GetTempPath(), $"bridge-soak-{Environment.ProcessId}");
        using var environment = await BenchEnvironment.StartAsync(workDir, options.StreamChunks);
        var scenario = MacroOptions.ScenarioNamed(options.SoakScenario);
        var (_, _, bridge) = environment.Targets(scenario);
        using var load = new LoadClient(bridge, options.SoakConnections);
        await load.RunAsync(options.Warmup);

        var samples = new List<(TimeSpan At, double RssMb, double CpuSeconds)>();
        var started = DateTime.UtcNow;
        var run = load.RunAsync(options.SoakDuration);
        while (!run.IsCompleted)
        {
            samples.Add((DateTime.UtcNow - started, environment.Gateway.Rss() / 1048576.0, environment.Gateway.CpuTime().TotalSeconds));
            Console.WriteLine($"{samples[^1].At.TotalSeconds,6:0} s  RSS {samples[^1].RssMb:0.0} MB");
            await Task.WhenAny(run, Task.Delay(options.SoakSampleEvery));
        }
        var result = await run;

        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(inv, $"Soak: {scenario.Name} through Bridge, {options.SoakConnections} connections, {options.SoakDuration.TotalMinutes:0.#} min; "
            + $"{result.Requests} requests ({result.RequestsPerSecond:0} req/s), {result.Errors} errors; load average `{ProcStats.LoadAverage()}`.");
        md.AppendLine();
        md.AppendLine("| t (s) | Bridge RSS (MB) |");
        md.AppendLine("|---:|---:|");
        foreach (var (at, rss, _) in samples) md.AppendLine(inv, $"| {at.TotalSeconds:0} | {rss:0.0} |");
        var settled = samples.Skip(Math.Min(samples.Count - 1, samples.Count / 5)).Select(s => s.RssMb).ToArray();
        var firstHalf = settled.Take(settled.Length / 2).DefaultIfEmpty(0).Max();
        var lastHalf = settled.Skip(settled.Length / 2).DefaultIfEmpty(0).Max();
        var flat = lastHalf <= firstHalf * 1.05 + 2;
        md.AppendLine();
        md.AppendLine(inv, $"Peak RSS first half (after the first fifth) {firstHalf:0.0} MB, second half {lastHalf:0.0} MB: {(flat ? "flat (no growth beyond 5% + 2 MB)" : "**growing**")}.");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Output))!);
        await File.WriteAllTextAsync(options.Output, md.ToString());
        Console.WriteLine($"wrote {options.Output}");
        return flat && result.Errors == 0 ? 0 : 1;
    }
}
