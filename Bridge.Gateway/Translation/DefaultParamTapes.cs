using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using Bridge.Gateway.Json;

namespace Bridge.Gateway.Translation;

/// <summary>
/// A deployment's default parameters (parsed from its configuration) as <see cref="TapeElement"/>s, so the
/// translators handle them like the client's own values. Made once per configured dictionary, which every target
/// copied from the deployment shares.
/// </summary>
internal static class DefaultParamTapes
{
    private static readonly IReadOnlyDictionary<string, TapeElement> None = new Dictionary<string, TapeElement>();
    private static readonly ConditionalWeakTable<IReadOnlyDictionary<string, JsonElement>, IReadOnlyDictionary<string, TapeElement>> Made = new();

    public static IReadOnlyDictionary<string, TapeElement> Of(IReadOnlyDictionary<string, JsonElement> defaults) =>
        defaults.Count == 0 ? None : Made.GetValue(defaults, Build);

    /// <summary>One value as a tape element (configuration text, a constant): parsed once by the caller.</summary>
    public static TapeElement Parse(JsonElement value) => JsonTape.Parse(JsonMarshal.GetRawUtf8Value(value).ToArray()).Root;

    // In the dictionary's own order: the translators write defaults in it.
    private static IReadOnlyDictionary<string, TapeElement> Build(IReadOnlyDictionary<string, JsonElement> defaults) =>
        defaults.ToDictionary(entry => entry.Key, entry => Parse(entry.Value), StringComparer.Ordinal);
}
