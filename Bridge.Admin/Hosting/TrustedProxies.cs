namespace Bridge.Admin.Hosting;

/// <summary>Whether <c>Bridge:TrustedProxies</c> lists anything, so the pipeline knows whether to read forwarded headers at all.</summary>
public sealed record TrustedProxies(bool Any);
