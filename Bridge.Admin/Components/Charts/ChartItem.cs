namespace Bridge.Admin.Components.Charts;

/// <summary>One bar: its label and its value.</summary>
public readonly record struct ChartItem(string Label, double Value);
