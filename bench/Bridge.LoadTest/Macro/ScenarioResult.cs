namespace Bridge.LoadTest.Macro;

/// <summary>One scenario at one connection count: the direct run, the runs through the bare forwarder and through Bridge, and their process costs.</summary>
public sealed record ScenarioResult(
    Scenario Scenario,
    int Connections,
    LoadResult Direct,
    LoadResult Bridge,
    double GatewayCpuMicrosPerRequest,
    double UpstreamCpuMicrosPerRequestDirect,
    double UpstreamCpuMicrosPerRequestBridge,
    double GatewayPeakRssMb,
    double GatewayRssAfterMb)
{
    /// <summary>The same calls through the bare forwarder.</summary>
    public required LoadResult Forwarder { get; init; }

    public required double ForwarderCpuMicrosPerRequest { get; init; }

    public double ForwarderAddedP50 => Forwarder.P50 - Direct.P50;
    public double ForwarderRatio => Forwarder.RequestsPerSecond / Direct.RequestsPerSecond;
    public double AddedP50 => Bridge.P50 - Direct.P50;
    public double AddedP99 => Bridge.P99 - Direct.P99;
    public double AddedFirstTokenP50 => Bridge.FirstTokenP50 - Direct.FirstTokenP50;
    public double AddedFirstTokenP99 => Bridge.FirstTokenP99 - Direct.FirstTokenP99;
    public double ThroughputRatio => Bridge.RequestsPerSecond / Direct.RequestsPerSecond;
}
