namespace Bridge.LoadTest.Macro;

/// <summary>What one bounded load run measured (times in milliseconds).</summary>
public sealed record LoadResult(
    int Connections,
    int Requests,
    int Errors,
    double Seconds,
    double P50,
    double P99,
    double FirstTokenP50,
    double FirstTokenP99,
    double? ReportedOverheadP50,
    double? ReportedOverheadP99,
    double? RelayP50,
    double? RelayP99,
    TimeSpan ClientCpu)
{
    public double RequestsPerSecond => Requests / Seconds;
}
