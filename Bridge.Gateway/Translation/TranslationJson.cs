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
}
