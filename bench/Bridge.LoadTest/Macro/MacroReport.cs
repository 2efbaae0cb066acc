using System.Globalization;
using System.Text;

namespace Bridge.LoadTest.Macro;

/// <summary>Markdown for a macro run: latency at 1 connection, throughput at many, and the issue's targets.</summary>
public static class MacroReport
{
    public static string Render(MacroOptions options, IReadOnlyList<ScenarioResult> results, string loadBefore, string loadAfter)
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(inv, $"Run: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {options.Duration.TotalSeconds:0.#} s measured per target after {options.Warmup.TotalSeconds:0.#} s warm-up; "
            + $"{options.StreamChunks} chunks per streamed answer; load average before `{loadBefore}`, after `{loadAfter}`.");
        if (options.GatewayDll is not null) md.AppendLine(inv, $"Gateway measured: `{options.GatewayDll}`.");
        md.AppendLine();

        md.AppendLine("Latency (ms; client-observed, send to last byte; first token = first byte of the first streamed token)");
        md.AppendLine();
        md.AppendLine("| scenario | conns | direct p50 | direct p99 | bridge p50 | bridge p99 | added p50 | added p99 | added first-token p50 | added first-token p99 | relay p50 direct / bridge | relay p99 direct / bridge | Bridge-reported overhead p50 / p99 |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            var overhead = r.Bridge.ReportedOverheadP50 is { } p50 ? string.Create(inv, $"{p50:0.000} / {r.Bridge.ReportedOverheadP99:0.000}") : "n/a";
            var firstToken = r.Scenario.Stream ? string.Create(inv, $"{r.AddedFirstTokenP50:0.000} | {r.AddedFirstTokenP99:0.000}") : "- | -";
            var relay = r.Scenario.Stream
                ? $"{Ms(r.Direct.RelayP50)} / {Ms(r.Bridge.RelayP50)} | {Ms(r.Direct.RelayP99)} / {Ms(r.Bridge.RelayP99)}"
                : "- | -";
            md.AppendLine(inv, $"| {r.Scenario.Name} | {r.Connections} | {r.Direct.P50:0.000} | {r.Direct.P99:0.000} | {r.Bridge.P50:0.000} | {r.Bridge.P99:0.000} | **{r.AddedP50:0.000}** | {r.AddedP99:0.000} | {firstToken} | {relay} | {overhead} |");
        }
        md.AppendLine();
        md.AppendLine("Added first token: the client's send-to-first-token time through Bridge minus direct; it includes Bridge reading, parsing and translating the request. "
            + "Relay: from the fake upstream writing its first chunk to the client reading that token (both read the same monotonic clock); the direct relay is the client's own read time.");
        md.AppendLine();

        md.AppendLine("Throughput and Bridge's cost (CPU from /proc/<pid>/stat over the measured run; peak RSS = VmHWM, reset before each Bridge run)");
        md.AppendLine();
        md.AppendLine("| scenario | conns | direct req/s | bridge req/s | ratio | Bridge CPU/req (us) | upstream CPU/req direct / via Bridge (us) | load generator CPU/req direct / bridge (us) | Bridge peak RSS (MB) | errors direct / bridge |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            md.AppendLine(inv, $"| {r.Scenario.Name} | {r.Connections} | {r.Direct.RequestsPerSecond:0} | {r.Bridge.RequestsPerSecond:0} | **{r.ThroughputRatio:0.00}** | {r.GatewayCpuMicrosPerRequest:0} | "
                + $"{r.UpstreamCpuMicrosPerRequestDirect:0} / {r.UpstreamCpuMicrosPerRequestBridge:0} | {Micros(r.Direct):0} / {Micros(r.Bridge):0} | {r.GatewayPeakRssMb:0} | {r.Direct.Errors} / {r.Bridge.Errors} |");
        }
        md.AppendLine();

        md.AppendLine("The bare forwarder in the same run (Kestrel in, HttpClient out, bytes copied, nothing else; the same OpenAI body the direct runs send)");
        md.AppendLine();
        md.AppendLine("| scenario | conns | forwarder req/s | forwarder ratio | Bridge / forwarder req/s | forwarder added p50 (ms) | Bridge added p50 (ms) | Bridge / forwarder added p50 | forwarder CPU/req (us) | Bridge CPU/req (us) |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            md.AppendLine(inv, $"| {r.Scenario.Name} | {r.Connections} | {r.Forwarder.RequestsPerSecond:0} | {r.ForwarderRatio:0.00} | {r.Bridge.RequestsPerSecond / r.Forwarder.RequestsPerSecond:0.00} | "
                + $"{r.ForwarderAddedP50:0.000} | {r.AddedP50:0.000} | **{r.AddedP50 / r.ForwarderAddedP50:0.00}** | {r.ForwarderCpuMicrosPerRequest:0} | {r.GatewayCpuMicrosPerRequest:0} |");
        }
        md.AppendLine();

        md.AppendLine("Targets (issue 15: Claude-Code-sized requests at forwarder speed)");
        md.AppendLine();
        md.AppendLine("| target | measured | met |");
        md.AppendLine("|---|---|---|");
        foreach (var name in new[] { "claude-code", "claude-code-stream" })
        {
            Target(md, results, name, 32, $"throughput >= 0.5 of direct at 32 connections, {name}", r => r.ThroughputRatio, v => v >= 0.5, "0.00");
            Target(md, results, name, 1, $"added p50 at 1 connection <= 1.5 x the bare forwarder's, {name}", r => r.AddedP50 / r.ForwarderAddedP50, v => v <= 1.5, "0.00 x");
            Target(md, results, name, 32, $"Bridge CPU per request <= 350 us at 32 connections, {name}", r => r.GatewayCpuMicrosPerRequest, v => v <= 350, "0 us");
        }
        var peak15 = results.Where(r => r.Connections >= 32).Select(r => r.GatewayPeakRssMb).DefaultIfEmpty(double.NaN).Max();
        md.AppendLine(inv, $"| peak memory < 150 MB during 32-connection runs | {peak15:0} MB | {(double.IsNaN(peak15) ? "not run" : peak15 < 150 ? "yes" : "**no**")} |");
        md.AppendLine();

        md.AppendLine("Targets (issue 6)");
        md.AppendLine();
        md.AppendLine("| target | measured | met |");
        md.AppendLine("|---|---|---|");
        Target(md, results, "small", 1, "added p50 <= 0.2 ms, small", r => r.AddedP50, v => v <= 0.2, "0.000 ms");
        Target(md, results, "claude-code", 1, "added p50 <= 1 ms, Claude-Code-sized", r => r.AddedP50, v => v <= 1.0, "0.000 ms");
        Target(md, results, "small-stream", 1, "first byte to the client <= 1 ms after the upstream's first chunk (relay p50 through Bridge), small stream", r => r.Bridge.RelayP50 ?? double.NaN, v => v <= 1.0, "0.000 ms");
        Target(md, results, "claude-code-stream", 1, "first byte to the client <= 1 ms after the upstream's first chunk (relay p50 through Bridge), Claude-Code stream", r => r.Bridge.RelayP50 ?? double.NaN, v => v <= 1.0, "0.000 ms");
        Target(md, results, "small-stream", 1, "stricter: added first-token p50 <= 1 ms (includes the request's processing), small stream", r => r.AddedFirstTokenP50, v => v <= 1.0, "0.000 ms");
        Target(md, results, "claude-code-stream", 1, "stricter: added first-token p50 <= 1 ms (includes the request's processing), Claude-Code stream", r => r.AddedFirstTokenP50, v => v <= 1.0, "0.000 ms");
        Target(md, results, "small", 32, "throughput ratio >= 0.25, small non-streaming", r => r.ThroughputRatio, v => v >= 0.25, "0.000");
        Target(md, results, "claude-code", 32, "throughput ratio >= 0.2, Claude-Code-sized", r => r.ThroughputRatio, v => v >= 0.2, "0.000");
        var peak = results.Where(r => r.Connections >= 32).Select(r => r.GatewayPeakRssMb).DefaultIfEmpty(double.NaN).Max();
        md.AppendLine(inv, $"| peak memory <= 200 MB during 32-connection runs | {peak:0} MB | {(double.IsNaN(peak) ? "not run" : peak <= 200 ? "yes" : "**no**")} |");
        return md.ToString();
    }

    private static string Ms(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";

    private static double Micros(LoadResult r) => r.Requests == 0 ? double.NaN : r.ClientCpu.TotalMicroseconds / r.Requests;

    private static void Target(StringBuilder md, IReadOnlyList<ScenarioResult> results, string scenario, int connections, string label,
        Func<ScenarioResult, double> value, Func<double, bool> met, string format)
    {
        var r = results.FirstOrDefault(x => x.Scenario.Name == scenario && x.Connections == connections);
        if (r is null)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {label} | not run | - |");
            return;
        }
        var v = value(r);
        md.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {v.ToString(format, CultureInfo.InvariantCulture)} | {(met(v) ? "yes" : "**no**")} |");
    }
}
