using System.Text;
using System.Text.Json.Nodes;

namespace Bridge.Tests.Infrastructure;

/// <summary>One mutated request body and how it was made (for the failure report).</summary>
public sealed record Mutation(string Kind, byte[] Body);

/// <summary>
/// Deterministic mutations of a recorded JSON request body, as a hostile or broken client would send them:
/// truncations, type swaps, deletions, huge values, deep nesting, invalid UTF-8 and lone surrogate escapes,
/// plus the fields the gateway reads with a wrong value (a non-integer <c>thinking.budget_tokens</c>, an image
/// whose base64 does not decode). Same seed, same sequence.
/// </summary>
public sealed class BodyMutator(int seed)
{
    // Replaced in the serialised text by raw bytes JsonNode cannot hold (bad UTF-8, number literals, deep nesting).
    private const string Marker = "@@FUZZ@@";
    private static readonly string[] Kinds =
        ["truncate", "type-swap", "delete", "huge", "deep-nesting", "bad-utf8", "lone-surrogate", "bad-field"];

    private readonly Random _random = new(seed);

    public Mutation Next(string json)
    {
        var kind = Kinds[_random.Next(Kinds.Length)];
        var root = JsonNode.Parse(json)!;
        return kind switch
        {
            "truncate" => Truncate(json),
            "type-swap" => new(kind, TypeSwap(root)),
            "delete" => new(kind, Delete(root)),
            "huge" => new(kind, Huge(root)),
            "deep-nesting" => new(kind, DeepNesting(root)),
            "bad-utf8" => new(kind, BadUtf8(root)),
            "lone-surrogate" => new(kind, LoneSurrogate(root)),
            _ => new(kind, BadField(root)),
        };
    }

    private Mutation Truncate(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        return new("truncate", bytes[.._random.Next(bytes.Length)]);
    }

    private byte[] TypeSwap(JsonNode root)
    {
        JsonNode?[] candidates =
        [
            "text", 12345, -1, 3.5, true, false, null, new JsonObject(), new JsonArray(), "1024",
            new JsonArray(1, "two", null), new JsonObject { ["type"] = 7 },
        ];
        var (parent, key, index) = PickNode(root);
        var replacement = candidates[_random.Next(candidates.Length)];
        Replace(parent, key, index, replacement?.DeepClone());
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private byte[] Delete(JsonNode root)
    {
        var (parent, key, index) = PickNode(root);
        if (parent is JsonObject obj) obj.Remove(key!);
        else if (parent is JsonArray array) array.RemoveAt(index);
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private byte[] Huge(JsonNode root)
    {
        string[] raw =
        [
            "\"" + new string('a', 300_000) + "\"",
            "1" + new string('0', 400),
            "-1e400",
            "1e400",
            "99999999999999999999",
            "[" + string.Join(",", Enumerable.Repeat("0", 20_000)) + "]",
            "{" + string.Join(",", Enumerable.Range(0, 5_000).Select(i => $"\"k{i}\":{i}")) + "}",
            "[" + string.Join(",", Enumerable.Repeat("{\"type\":\"text\",\"text\":\"x\"}", 5_000)) + "]",
        ];
        return WithRaw(root, raw[_random.Next(raw.Length)]);
    }

    private byte[] DeepNesting(JsonNode root)
    {
        var depth = _random.Next(2) == 0 ? _random.Next(10, 64) : _random.Next(64, 2_000);
        var raw = _random.Next(2) == 0
            ? new string('[', depth) + new string(']', depth)
            : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
        return WithRaw(root, raw);
    }

    private byte[] BadUtf8(JsonNode root)
    {
        byte[][] sequences =
        [
            [0xFF], [0xC3, 0x28], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80],
        ];
        var bad = sequences[_random.Next(sequences.Length)];
        var (parent, key, index) = PickString(root) ?? PickNode(root);
        if (_random.Next(4) == 0 && parent is JsonObject obj)
        {
            // In a property name rather than a value.
            obj[Marker] = "x";
        }
        else
        {
            Replace(parent, key, index, "before" + Marker + "after");
        }
        return Splice(Encoding.UTF8.GetBytes(root.ToJsonString()), Encoding.UTF8.GetBytes(Marker), bad);
    }

    private byte[] LoneSurrogate(JsonNode root)
    {
        string[] escapes = ["\\ud800", "\\udfff", "\\udc00\\ud800", "x\\ud83d"];
        var (parent, key, index) = PickString(root) ?? PickNode(root);
        Replace(parent, key, index, "text" + Marker);
        return Splice(Encoding.UTF8.GetBytes(root.ToJsonString()), Encoding.UTF8.GetBytes(Marker),
            Encoding.UTF8.GetBytes(escapes[_random.Next(escapes.Length)]));
    }

    /// <summary>A field the gateway reads, with a value of the wrong kind.</summary>
    private byte[] BadField(JsonNode root)
    {
        var obj = (JsonObject)root;
        switch (_random.Next(5))
        {
            case 0:
                obj["thinking"] = new JsonObject { ["type"] = "enabled", ["budget_tokens"] = _random.Next(2) == 0 ? "1024" : 1024.5 };
                break;
            case 1:
            case 2:
                var messages = obj["messages"] as JsonArray;
                var image = obj.ContainsKey("max_completion_tokens") || obj.ContainsKey("stream_options") || obj.ContainsKey("parallel_tool_calls") || obj.ContainsKey("user")
                    ? new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = "data:image/png;base64,not*base64!" } }
                    : new JsonObject
                    {
                        ["type"] = "image",
                        ["source"] = new JsonObject { ["type"] = "base64", ["media_type"] = "image/png", ["data"] = "iVBORw0KGgo=%%%" },
                    };
                messages?.Insert(0, new JsonObject { ["role"] = "user", ["content"] = new JsonArray(image) });
                break;
            case 3:
                obj["stream"] = "yes";
                break;
            default:
                obj[new[] { "max_tokens", "temperature", "top_p", "top_k", "stop_sequences", "tools", "system", "metadata", "tool_choice" }[_random.Next(9)]] =
                    _random.Next(2) == 0 ? "10" : new JsonArray(true);
                break;
        }
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private byte[] WithRaw(JsonNode root, string raw)
    {
        var (parent, key, index) = PickNode(root);
        Replace(parent, key, index, Marker);
        return Splice(Encoding.UTF8.GetBytes(root.ToJsonString()), Encoding.UTF8.GetBytes("\"" + Marker + "\""), Encoding.UTF8.GetBytes(raw));
    }

    private static byte[] Splice(byte[] body, byte[] marker, byte[] replacement)
    {
        var at = body.AsSpan().IndexOf(marker);
        if (at < 0) return body;
        return [.. body.AsSpan(0, at), .. replacement, .. body.AsSpan(at + marker.Length)];
    }

    private static void Replace(JsonNode? parent, string? key, int index, JsonNode? value)
    {
        if (parent is JsonObject obj) obj[key!] = value;
        else if (parent is JsonArray array) array[index] = value;
    }

    /// <summary>A random node below the root, as its parent and key or index.</summary>
    private (JsonNode? Parent, string? Key, int Index) PickNode(JsonNode root)
    {
        var all = new List<(JsonNode?, string?, int)>();
        Collect(root, all, stringsOnly: false);
        return all.Count == 0 ? (null, null, -1) : all[_random.Next(all.Count)];
    }

    private (JsonNode? Parent, string? Key, int Index)? PickString(JsonNode root)
    {
        var all = new List<(JsonNode?, string?, int)>();
        Collect(root, all, stringsOnly: true);
        return all.Count == 0 ? null : all[_random.Next(all.Count)];
    }

    private static void Collect(JsonNode node, List<(JsonNode?, string?, int)> into, bool stringsOnly)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    if (!stringsOnly || IsString(child)) into.Add((obj, key, -1));
                    if (child is not null) Collect(child, into, stringsOnly);
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (!stringsOnly || IsString(array[i])) into.Add((array, null, i));
                    if (array[i] is { } child) Collect(child, into, stringsOnly);
                }
                break;
        }
    }

    private static bool IsString(JsonNode? node) => node is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.String;
}
