namespace Bridge.Admin.Live;

/// <summary>A key or model among today's busiest: its label, requests and spend.</summary>
public sealed record TopEntry(string Label, long Requests, decimal CostUsd);
