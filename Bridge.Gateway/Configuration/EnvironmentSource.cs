namespace Bridge.Gateway.Configuration;

/// <summary>
/// Resolves <c>os.environ/NAME</c> references: the process environment first, then a <c>.env</c> file.
/// </summary>
#if BRIDGE_APPHOST
// The AppHost compiles this file in to read .env the same way; internal there so tests see one type.
internal
#else
public
#endif
sealed class EnvironmentSource
{
    private readonly IReadOnlyDictionary<string, string> _dotEnv;
    private readonly Func<string, string?> _environment;

    public EnvironmentSource(IReadOnlyDictionary<string, string>? dotEnv = null, Func<string, string?>? environment = null)
    {
        _dotEnv = dotEnv ?? new Dictionary<string, string>();
        _environment = environment ?? Environment.GetEnvironmentVariable;
    }

    /// <summary>This source with <paramref name="overrides"/> above it (the config's <c>environment_variables</c>).</summary>
    public EnvironmentSource WithOverrides(IReadOnlyDictionary<string, string> overrides) =>
        new(_dotEnv, name => overrides.TryGetValue(name, out var value) && value.Length > 0 ? value : _environment(name));

    public string? Get(string name)
    {
        var value = _environment(name);
        if (!string.IsNullOrEmpty(value)) return value;
        return _dotEnv.TryGetValue(name, out var fromFile) && fromFile.Length > 0 ? fromFile : null;
    }

    /// <summary>Reads <c>KEY=VALUE</c> lines (comments, blank lines, optional quotes and <c>export</c> allowed).</summary>
    public static Dictionary<string, string> ParseDotEnv(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            if (line.StartsWith("export ", StringComparison.Ordinal)) line = line[7..].TrimStart();
            var eq = line.IndexOf('=');
            if (eq <= 0) continue;
            var key = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1];
            }
            else
            {
                var hash = value.IndexOf(" #", StringComparison.Ordinal);
                if (hash >= 0) value = value[..hash].TrimEnd();
            }
            result[key] = value;
        }
        return result;
    }

    /// <summary>Loads the first <c>.env</c> found among <paramref name="directories"/>.</summary>
    public static EnvironmentSource FromDirectories(params string?[] directories)
    {
        foreach (var dir in directories)
        {
            if (string.IsNullOrEmpty(dir)) continue;
            var path = Path.Combine(dir, ".env");
            if (File.Exists(path)) return new EnvironmentSource(ParseDotEnv(File.ReadAllText(path)));
        }
        return new EnvironmentSource();
    }
}
