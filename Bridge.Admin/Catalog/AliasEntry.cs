namespace Bridge.Admin.Catalog;

/// <summary>A client-facing model name that resolves to a model group.</summary>
/// <param name="TargetExists">False when no deployment serves <paramref name="Target"/>.</param>
/// <param name="Source">Where the alias is defined (<c>config</c> today; Redis once aliases become editable).</param>
public sealed record AliasEntry(string Alias, string Target, bool TargetExists, string Source);
