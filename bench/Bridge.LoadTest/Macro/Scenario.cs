namespace Bridge.LoadTest.Macro;

/// <summary>One request shape: small or Claude-Code-sized, streaming or not.</summary>
public sealed record Scenario(string Name, bool ClaudeCodeSized, bool Stream);
