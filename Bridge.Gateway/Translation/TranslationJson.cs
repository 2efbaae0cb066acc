using System.Text.Encodings.Web;
using System.Text.Json;

namespace Bridge.Gateway.Translation;

/// <summary>Writer settings shared by the translators: compact, no HTML escaping of prompt text.</summary>
internal static class TranslationJson
{
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    public static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = 256,
    };

    /// <summary>
    /// Copies a value of the (already parsed, hence valid) client JSON byte for byte: no
    /// unescaping and re-escaping of the large prompt strings and schemas.
    /// </summary>
    public static void WriteRaw(Utf8JsonWriter writer, Json.TapeElement value) =>
        writer.WriteRawValue(value.RawUtf8, skipInputValidation: true);
}
