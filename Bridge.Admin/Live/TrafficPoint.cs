namespace Bridge.Admin.Live;

/// <summary>One time slice of the overview's traffic chart: requests and failed requests per second that ended in it.</summary>
/// <param name="Time">The slice's start (UTC).</param>
public sealed record TrafficPoint(DateTime Time, double RequestsPerSecond, double ErrorsPerSecond);
