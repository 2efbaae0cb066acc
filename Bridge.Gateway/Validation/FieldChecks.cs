using System.Text.Json;

namespace Bridge.Gateway.Validation;

/// <summary>Checks of one field of an object, shared by the Anthropic and OpenAI request checks.</summary>
internal static class FieldChecks
{
    /// <summary>
    /// A problem when <paramref name="name"/> is present, not null, and fails <paramref name="ok"/>. Null counts as not
    /// sent, as the translators read it.
    /// </summary>
    public static RequestProblem? Optional(JsonElement obj, string name, Func<JsonElement, bool> ok, string path, string expected) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null && !ok(value)
            ? RequestProblem.Field(path, expected)
            : null;

    /// <summary>As <see cref="Optional(JsonElement, string, Func{JsonElement, bool}, string, string)"/>, the path being that of a field inside an array element.</summary>
    public static RequestProblem? Optional(JsonElement obj, string name, Func<JsonElement, bool> ok, FieldPath at, string expected) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null && !ok(value)
            ? RequestProblem.Field(at.Of(name), expected)
            : null;

    /// <summary>Base64 that does not decode, named by its path.</summary>
    public static RequestProblem NotBase64(string path) => new($"{path}: is not valid base64.", path);
}
