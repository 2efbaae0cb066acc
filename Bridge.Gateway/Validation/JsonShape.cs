using Bridge.Gateway.Json;
using System.Text.Json;

namespace Bridge.Gateway.Validation;

/// <summary>
/// The JSON types a request field may have. Checks read only the parsed document's value kinds: no strings are
/// decoded and nothing is allocated unless a check fails.
/// </summary>
internal static class JsonShape
{
    public static bool IsString(TapeElement value) => value.ValueKind == JsonValueKind.String;

    public static bool IsObject(TapeElement value) => value.ValueKind == JsonValueKind.Object;

    public static bool IsArray(TapeElement value) => value.ValueKind == JsonValueKind.Array;

    public static bool IsBoolean(TapeElement value) => value.ValueKind is JsonValueKind.True or JsonValueKind.False;

    /// <summary>A number a double can hold: <c>1e400</c> is valid JSON, but reading it as a double throws.</summary>
    public static bool IsNumber(TapeElement value) => value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number);

    /// <summary>A whole number that fits 32 bits: what every token count and index in both protocols is.</summary>
    public static bool IsInteger(TapeElement value) => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _);

    /// <summary>A whole number that fits 64 bits (OpenAI's <c>seed</c>).</summary>
    public static bool IsInteger64(TapeElement value) => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _);

    public static bool IsStringOrArray(TapeElement value) => value.ValueKind is JsonValueKind.String or JsonValueKind.Array;

    public static bool IsNull(TapeElement value) => value.ValueKind == JsonValueKind.Null;
}
