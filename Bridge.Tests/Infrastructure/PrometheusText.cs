using System.Globalization;
using System.Text;

namespace Bridge.Tests.Infrastructure;

/// <summary>One sample line of a Prometheus text exposition: <c>name{labels} value</c>.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string? this[string label] => Labels.TryGetValue(label, out var v) ? v : null;
}

/// <summary>
/// A strict parser of Prometheus's text format 0.0.4 (no package for one is served here): it throws on anything the
/// format does not allow, so a test that parses a scrape proves the scrape is valid. Checks: metric and label names,
/// label value escapes (only <c>\\</c>, <c>\"</c>, <c>\n</c>), float values (<c>NaN</c>, <c>+Inf</c>, <c>-Inf</c>),
/// at most one <c># TYPE</c> per family and before its samples, samples of a family kept together, no duplicate
/// series, histogram buckets with an <c>le</c> label, cumulative, ending with <c>+Inf</c> equal to <c>_count</c>,
/// and a final newline.
/// </summary>
public sealed class PrometheusText
{
    private static readonly HashSet<string> Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    private PrometheusText(Dictionary<string, string> types, List<PrometheusSample> samples)
    {
        TypesByFamily = types;
        Samples = samples;
    }

    public IReadOnlyDictionary<string, string> TypesByFamily { get; }
    public IReadOnlyList<PrometheusSample> Samples { get; }

    public IEnumerable<PrometheusSample> Named(string name) => Samples.Where(s => s.Name == name);

    public static PrometheusText Parse(string text)
    {
        if (text.Length > 0 && !text.EndsWith('\n')) throw new FormatException("the exposition does not end with a newline");
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var helped = new HashSet<string>(StringComparer.Ordinal);
        var samples = new List<PrometheusSample>();
        var series = new HashSet<string>(StringComparer.Ordinal);
        var closed = new HashSet<string>(StringComparer.Ordinal); // families whose samples ended
        string? current = null;
        var lineNo = 0;
        foreach (var line in text[..^(text.Length > 0 ? 1 : 0)].Split('\n'))
        {
            lineNo++;
            string Where() => $"line {lineNo}: '{line}'";
            if (line.Length == 0) continue;
            if (line.StartsWith('#'))
            {
                var parts = line.Split(' ', 4);
                if (parts.Length >= 3 && parts[0] == "#" && (parts[1] == "TYPE" || parts[1] == "HELP"))
                {
                    var family = parts[2];
                    if (!IsMetricName(family)) throw new FormatException($"{Where()}: bad metric name");
                    if (parts[1] == "TYPE")
                    {
                        if (parts.Length != 4 || !Types.Contains(parts[3])) throw new FormatException($"{Where()}: bad type");
                        if (!types.TryAdd(family, parts[3])) throw new FormatException($"{Where()}: second TYPE for {family}");
                        if (samples.Any(s => FamilyOf(s.Name, types) == family)) throw new FormatException($"{Where()}: TYPE after samples");
                    }
                    else if (!helped.Add(family))
                    {
                        throw new FormatException($"{Where()}: second HELP for {family}");
                    }
                }
                continue; // any other comment
            }

            var sample = ParseSample(line, Where);
            var fam = FamilyOf(sample.Name, types);
            if (fam != current)
            {
                if (current is not null) closed.Add(current);
                if (closed.Contains(fam)) throw new FormatException($"{Where()}: samples of {fam} are not together");
                current = fam;
            }
            var identity = sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) + "}";
            if (!series.Add(identity)) throw new FormatException($"{Where()}: duplicate series {identity}");
            samples.Add(sample);
        }
        CheckHistograms(types, samples);
        return new PrometheusText(types, samples);
    }

    private static string FamilyOf(string name, Dictionary<string, string> types)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count", "_total", "_created" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && types.TryGetValue(name[..^suffix.Length], out var type)
                && (type is "histogram" or "summary" || suffix is "_total" or "_created"))
            {
                return name[..^suffix.Length];
            }
        }
        return name;
    }

    private static void CheckHistograms(Dictionary<string, string> types, List<PrometheusSample> samples)
    {
        foreach (var (family, _) in types.Where(t => t.Value == "histogram"))
        {
            var groups = samples.Where(s => s.Name == family + "_bucket")
                .GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")));
            foreach (var group in groups)
            {
                var previousBound = double.NegativeInfinity;
                var previousCount = 0d;
                foreach (var bucket in group)
                {
                    var le = bucket["le"] ?? throw new FormatException($"{family}_bucket without le");
                    var bound = ParseValue(le, () => $"{family} le");
                    if (bound <= previousBound) throw new FormatException($"{family}: buckets not in increasing order");
                    if (bucket.Value < previousCount) throw new FormatException($"{family}: buckets not cumulative");
                    previousBound = bound;
                    previousCount = bucket.Value;
                }
                if (!double.IsPositiveInfinity(previousBound)) throw new FormatException($"{family}: no +Inf bucket");
                var labels = group.First().Labels.Where(l => l.Key != "le").ToDictionary();
                var count = samples.SingleOrDefault(s => s.Name == family + "_count" && SameLabels(s.Labels, labels))
                    ?? throw new FormatException($"{family}: no _count for {group.Key}");
                if (count.Value != previousCount) throw new FormatException($"{family}: +Inf bucket {previousCount} is not _count {count.Value}");
                _ = samples.SingleOrDefault(s => s.Name == family + "_sum" && SameLabels(s.Labels, labels))
                    ?? throw new FormatException($"{family}: no _sum for {group.Key}");
            }
        }
    }

    private static bool SameLabels(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static PrometheusSample ParseSample(string line, Func<string> where)
    {
        var i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ') i++;
        var name = line[..i];
        if (!IsMetricName(name)) throw new FormatException($"{where()}: bad metric name");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                if (i >= line.Length) throw new FormatException($"{where()}: unterminated labels");
                if (line[i] == '}') { i++; break; }
                var start = i;
                while (i < line.Length && line[i] != '=') i++;
                var label = line[start..i];
                if (!IsLabelName(label)) throw new FormatException($"{where()}: bad label name '{label}'");
                if (i + 1 >= line.Length || line[i + 1] != '"') throw new FormatException($"{where()}: label value not quoted");
                i += 2;
                var value = new StringBuilder();
                while (true)
                {
                    if (i >= line.Length) throw new FormatException($"{where()}: unterminated label value");
                    var c = line[i++];
                    if (c == '"') break;
                    if (c == '\\')
                    {
                        if (i >= line.Length) throw new FormatException($"{where()}: dangling escape");
                        value.Append(line[i++] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            var other => throw new FormatException($"{where()}: bad escape \\{other}"),
                        });
                        continue;
                    }
                    value.Append(c);
                }
                if (!labels.TryAdd(label, value.ToString())) throw new FormatException($"{where()}: label {label} twice");
                if (i < line.Length && line[i] == ',') i++;
                else if (i >= line.Length || line[i] != '}') throw new FormatException($"{where()}: expected , or }}");
            }
        }
        if (i >= line.Length || line[i] != ' ') throw new FormatException($"{where()}: no value");
        var rest = line[(i + 1)..].Split(' ');
        if (rest.Length is < 1 or > 2) throw new FormatException($"{where()}: expected a value and an optional timestamp");
        var number = ParseValue(rest[0], where);
        if (rest.Length == 2 && !long.TryParse(rest[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            throw new FormatException($"{where()}: bad timestamp");
        }
        return new PrometheusSample(name, labels, number);
    }

    private static double ParseValue(string text, Func<string> where) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && !text.Contains(',') => v,
        _ => throw new FormatException($"{where()}: '{text}' is not a number"),
    };

    private static bool IsMetricName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] is '_' or ':') && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':');

    private static bool IsLabelName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
