namespace Bridge.LoadTest.Macro;

/// <summary>
/// The macro benchmark: for each scenario and connection count, the fake upstream called directly, through the
/// bare forwarder, then through Bridge, in the same run; CPU time and peak RSS read from /proc around each run.
/// </summary>
public static class MacroRun
{
    public static async Task<int> RunAsync(MacroOptions options)
    {
        var workDir = Path.Combine(Path.GetTempPath(), $"bridge-bench-{Environment.ProcessId}");
        var loadBefore = ProcStats.LoadAverage();
        using var environment = await BenchEnvironment.StartAsync(workDir, options.StreamChunks, options.GatewayDll);
        if (options.GatewayDll is not null) Console.WriteLine($"gateway: {options.GatewayDll}");
        Console.WriteLine($"fake upstream pid {environment.Fake.Pid} on :{environment.FakePort}, gateway pid {environment.Gateway.Pid} on :{environment.GatewayPort}; logs in {workDir}");
        // Bring every code path to steady state first (tier-1 JIT with dynamic PGO takes several seconds of
        // traffic); a gateway in production runs for days, so a cold JIT would only measure the benchmark.
        foreach (var scenario in options.Scenarios.Select(MacroOptions.ScenarioNamed))
        {
            var (directTarget, forwarderTarget, bridgeTarget) = environment.Targets(scenario);
            foreach (var target in new[] { directTarget, forwarderTarget, bridgeTarget })
            {
                using var warm = new LoadClient(target, 8);
                await warm.RunAsync(options.JitWarmup);
            }
        }

        var results = new List<ScenarioResult>();
        foreach (var scenario in options.Scenarios.Select(MacroOptions.ScenarioNamed))
        {
            var (direct, forwarder, bridge) = environment.Targets(scenario);
            foreach (var connections in options.Connections)
            {
                var result = await MeasureAsync(environment, scenario, connections, direct, forwarder, bridge, options);
                results.Add(result);
                Console.WriteLine(
                    $"{scenario.Name,-19} c={connections,-3} direct {result.Direct.RequestsPerSecond,8:0} req/s p50 {result.Direct.P50:0.000} ms | " +
                    $"forwarder {result.Forwarder.RequestsPerSecond,8:0} req/s added p50 {result.ForwarderAddedP50:0.000} cpu {result.ForwarderCpuMicrosPerRequest:0} us/req | " +
                    $"bridge {result.Bridge.RequestsPerSecond,8:0} req/s p50 {result.Bridge.P50:0.000} ms | added p50 {result.AddedP50:0.000} p99 {result.AddedP99:0.000} | " +
                    $"ratio {result.ThroughputRatio:0.00} | cpu {result.GatewayCpuMicrosPerRequest:0} us/req | peak {result.GatewayPeakRssMb:0} MB | errors {result.Direct.Errors}/{result.Bridge.Errors}");
            }
        }
        var loadAfter = ProcStats.LoadAverage();
        var markdown = MacroReport.Render(options, results, loadBefore, loadAfter);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Output))!);
        await File.WriteAllTextAsync(options.Output, markdown);
        Console.WriteLine($"wrote {options.Output}");
        return results.Any(r => r.Bridge.Requests == 0 || r.Direct.Requests == 0 || r.Forwarder.Requests == 0) ? 1 : 0;
    }

    private static async Task<ScenarioResult> MeasureAsync(
        BenchEnvironment environment, Scenario scenario, int connections, Target direct, Target forwarder, Target bridge, MacroOptions options)
    {
        var (directResult, upstreamCpuDirect) = await MeasureTargetAsync(direct, connections, environment.Fake, options);
        var (forwarderResult, forwarderCpu) = await MeasureTargetAsync(forwarder, connections, environment.Forwarder, options);

        using (var load = new LoadClient(bridge, connections))
        {
            environment.Gateway.ResetPeakRss();
            await load.RunAsync(options.Warmup);
            var gatewayCpu = environment.Gateway.CpuTime();
            var fakeCpu = environment.Fake.CpuTime();
            var bridgeResult = await load.RunAsync(options.Duration);
            var gatewayCpuPerRequest = PerRequestMicros(environment.Gateway.CpuTime() - gatewayCpu, bridgeResult.Requests);
            var upstreamCpuBridge = PerRequestMicros(environment.Fake.CpuTime() - fakeCpu, bridgeResult.Requests);
            return new ScenarioResult(scenario, connections, directResult, bridgeResult, gatewayCpuPerRequest, upstreamCpuDirect, upstreamCpuBridge,
                environment.Gateway.PeakRss() / 1048576.0, environment.Gateway.Rss() / 1048576.0)
            {
                Forwarder = forwarderResult,
                ForwarderCpuMicrosPerRequest = forwarderCpu,
            };
        }
    }

    /// <summary>One target at one connection count, with the CPU one process spent per request meanwhile.</summary>
    private static async Task<(LoadResult Result, double CpuMicrosPerRequest)> MeasureTargetAsync(
        Target target, int connections, ChildProcess process, MacroOptions options)
    {
        using var load = new LoadClient(target, connections);
        await load.RunAsync(options.Warmup);
        var cpu = process.CpuTime();
        var result = await load.RunAsync(options.Duration);
        return (result, PerRequestMicros(process.CpuTime() - cpu, result.Requests));
    }

    private static double PerRequestMicros(TimeSpan cpu, int requests) => requests == 0 ? double.NaN : cpu.TotalMicroseconds / requests;
}
