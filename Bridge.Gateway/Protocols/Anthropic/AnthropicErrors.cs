using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Bridge.Gateway.Protocols.Anthropic;

/// <summary>Anthropic error envelope: <c>{"type":"error","error":{"type":...,"message":...}}</c>.</summary>
public static class AnthropicErrors
{
    public const string InvalidRequest = "invalid_request_error";
    public const string Authentication = "authentication_error";
    public const string Permission = "permission_error";
    public const string NotFound = "not_found_error";
    public const string RequestTooLarge = "request_too_large";
    public const string RateLimit = "rate_limit_error";
    public const string Api = "api_error";
    public const string Overloaded = "overloaded_error";

    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Error type for an HTTP status, per Anthropic's documented table.</summary>
    public static string TypeForStatus(int status) => status switch
    {
        400 => InvalidRequest,
        401 => Authentication,
        402 => "billing_error",
        403 => Permission,
        404 => NotFound,
        413 => RequestTooLarge,
        429 => RateLimit,
        503 or 529 => Overloaded,
        504 => "timeout_error",
        >= 400 and < 500 => InvalidRequest,
        _ => Api,
    };

    /// <summary>The HTTP status Anthropic answers with for an error type (the reverse of <see cref="TypeForStatus"/>).</summary>
    public static int? StatusForType(string? type) => type switch
    {
        InvalidRequest => 400,
        Authentication => 401,
        "billing_error" => 402,
        Permission => 403,
        NotFound => 404,
        RequestTooLarge => 413,
        RateLimit => 429,
        Api => 500,
        "timeout_error" => 504,
        Overloaded => 529,
        _ => null,
    };

    /// <summary>Writes the envelope (also the <c>data:</c> payload of a stream's <c>event: error</c>).</summary>
    public static void Write(IBufferWriter<byte> output, string type, string message)
    {
        using var writer = new Utf8JsonWriter(output, Options);
        Write(writer, type, message);
    }

    /// <summary>The envelope as UTF-8 bytes.</summary>
    public static byte[] Write(string type, string message)
    {
        var buffer = new ArrayBufferWriter<byte>(128 + message.Length);
        Write(buffer, type, message);
        return buffer.WrittenSpan.ToArray();
    }

    internal static void Write(Utf8JsonWriter writer, string type, string message)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "error"u8);
        writer.WriteStartObject("error"u8);
        writer.WriteString("type"u8, type);
        writer.WriteString("message"u8, message);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
    }
}
