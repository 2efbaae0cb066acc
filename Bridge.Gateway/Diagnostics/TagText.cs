using System.Text;

namespace Bridge.Gateway.Diagnostics;

/// <summary>
/// Client-chosen strings (the requested model name, dropped tool names) cut to a bounded length before they
/// become span tags or headers: a client must not be able to make every trace carry a megabyte.
/// </summary>
public static class TagText
{
    public const int MaxLength = 256;

    /// <summary><paramref name="value"/>, or its first <see cref="MaxLength"/> characters and "...".</summary>
    public static string Bounded(string value) => value.Length <= MaxLength ? value : Cut(value, MaxLength) + "...";

    /// <summary>The items joined with ", " up to <see cref="MaxLength"/> characters, then how many were left out.</summary>
    public static string Join(IReadOnlyList<string> items)
    {
        var joined = new StringBuilder();
        for (var i = 0; i < items.Count; i++)
        {
            var separator = i == 0 ? "" : ", ";
            if (joined.Length + separator.Length + items[i].Length > MaxLength)
            {
                if (i == 0) joined.Append(Cut(items[0], MaxLength)).Append("...");
                var left = items.Count - (i == 0 ? 1 : i);
                if (left > 0) joined.Append($" (and {left} more)");
                break;
            }
            joined.Append(separator).Append(items[i]);
        }
        return joined.ToString();
    }

    /// <summary>The first <paramref name="length"/> characters, not splitting a surrogate pair.</summary>
    private static string Cut(string value, int length) =>
        value[..(char.IsHighSurrogate(value[length - 1]) ? length - 1 : length)];
}
