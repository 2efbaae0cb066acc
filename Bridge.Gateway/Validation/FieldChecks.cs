using Bridge.Gateway.Json;
using System.Text.Json;

namespace Bridge.Gateway.Validation;

/// <summary>Checks of one field of an object, shared by the Anthropic and OpenAI request checks.</summary>
internal static class FieldChecks
{
    /// <summary>
    /// A problem when <paramref name="name"/> is present, not null, and fails <paramref name="ok"/>. Null counts as not
    /// sent, as the translators read it.
    /// </summary>
    public static RequestProblem? Optional(TapeElement obj, string name, Func<TapeElement, bool> ok, string path, string expected, bool openAI = false) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null && !ok(value)
            ? RequestProblem.Field(path, expected, openAI)
            : null;

    /// <summary>As <see cref="Optional(TapeElement, string, Func{TapeElement, bool}, string, string, bool)"/>, the path being that of a field inside an array element.</summary>
    public static RequestProblem? Optional(TapeElement obj, string name, Func<TapeElement, bool> ok, FieldPath at, string expected) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null && !ok(value)
            ? RequestProblem.Field(at.Of(name), expected, at.OpenAI)
            : null;
}
