using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Bridge.Gateway.Protocols.OpenAI;

/// <summary>OpenAI error envelope: <c>{"error":{"message","type","param","code"}}</c>.</summary>
public static class OpenAIErrors
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string TypeForStatus(int status) => status switch
    {
        400 or 404 or 413 or 422 => "invalid_request_error",
        401 => "authentication_error",
        402 => "insufficient_quota",
        403 => "permission_error",
        429 => "rate_limit_error",
        >= 400 and < 500 => "invalid_request_error",
        _ => "server_error",
    };

    /// <summary>Writes the envelope; <paramref name="param"/> and <paramref name="code"/> become JSON null when null.</summary>
    public static void Write(IBufferWriter<byte> output, string message, string type, string? param = null, string? code = null)
    {
        using var writer = new Utf8JsonWriter(output, Options);
        writer.WriteStartObject();
        writer.WriteStartObject("error"u8);
        writer.WriteString("message"u8, message);
        writer.WriteString("type"u8, type);
        WriteNullable(writer, "param"u8, param);
        WriteNullable(writer, "code"u8, code);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static byte[] Write(string message, string type, string? param = null, string? code = null)
    {
        var buffer = new ArrayBufferWriter<byte>(128 + message.Length);
        Write(buffer, message, type, param, code);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteNullable(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
