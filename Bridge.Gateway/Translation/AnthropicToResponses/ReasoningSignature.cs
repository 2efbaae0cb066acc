using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Bridge.Gateway.Translation.AnthropicToResponses;

/// <summary>
/// Carries a Responses upstream's reasoning item (its <c>id</c> and <c>encrypted_content</c>) in the
/// <c>signature</c> of the Anthropic thinking block the client sees, so that when the client sends the
/// block back (Claude Code does, in its tool loop) the reasoning item can go back upstream.
/// <para>Format: <c>bridge.rs1.</c> + base64url(JSON <c>{"id":..,"enc":..}</c>) + <c>.</c> +
/// base64url(HMAC-SHA256(key, everything before the last dot)). The MAC makes the signature Bridge's
/// own and tamper-evident: a signature from Anthropic or another provider, an edited payload, or one
/// made with another key does not verify, and the translator then leaves the block out instead of
/// sending something the upstream would reject. The key is the gateway's (derived from its master key);
/// the reasoning itself stays encrypted by the provider, the MAC only proves where the pair came from.</para>
/// </summary>
public static class ReasoningSignature
{
    public const string Prefix = "bridge.rs1.";
    private const int MacLength = 32;
    private static ReadOnlySpan<byte> PrefixUtf8 => "bridge.rs1."u8;

    /// <summary>The signature for one reasoning item.</summary>
    public static string Encode(string itemId, string encryptedContent, byte[] key)
    {
        ArgumentNullException.ThrowIfNull(itemId);
        ArgumentNullException.ThrowIfNull(encryptedContent);
        RequireKey(key);

        var json = new ArrayBufferWriter<byte>(encryptedContent.Length + itemId.Length + 32);
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteString("id"u8, itemId);
            writer.WriteString("enc"u8, encryptedContent);
            writer.WriteEndObject();
        }

        var payloadLength = Base64Url.GetEncodedLength(json.WrittenCount);
        var signed = new byte[PrefixUtf8.Length + payloadLength];
        PrefixUtf8.CopyTo(signed);
        Base64Url.EncodeToUtf8(json.WrittenSpan, signed.AsSpan(PrefixUtf8.Length));

        Span<byte> mac = stackalloc byte[MacLength];
        HMACSHA256.HashData(key, signed, mac);
        return string.Concat(Encoding.ASCII.GetString(signed), ".", Base64Url.EncodeToString(mac));
    }

    /// <summary>
    /// True when <paramref name="signature"/> is Bridge's and its MAC verifies under <paramref name="key"/>;
    /// then the reasoning item's id and encrypted content are returned.
    /// </summary>
    public static bool TryDecode(string? signature, byte[] key, out string itemId, out string encryptedContent)
    {
        RequireKey(key);
        itemId = "";
        encryptedContent = "";
        if (signature is null || !signature.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var dot = signature.LastIndexOf('.');
        if (dot <= Prefix.Length - 1 || dot == signature.Length - 1)
        {
            return false;
        }

        var signed = Encoding.ASCII.GetBytes(signature, 0, dot);
        Span<byte> expected = stackalloc byte[MacLength];
        HMACSHA256.HashData(key, signed, expected);
        Span<byte> given = stackalloc byte[MacLength];
        if (!Base64Url.IsValid(signature.AsSpan(dot + 1), out var macLength) || macLength != MacLength
            || Base64Url.DecodeFromChars(signature.AsSpan(dot + 1), given) != MacLength
            || !CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return false;
        }

        try
        {
            var json = Base64Url.DecodeFromChars(signature.AsSpan(Prefix.Length, dot - Prefix.Length));
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("id"u8, out var id) || id.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("enc"u8, out var enc) || enc.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            itemId = id.GetString()!;
            encryptedContent = enc.GetString()!;
            return itemId.Length > 0;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return false; // only reachable with the right key: a bug of ours, not an attack; still not ours to send.
        }
    }

    private static void RequireKey(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 16)
        {
            throw new ArgumentException("the signing key must be at least 16 bytes", nameof(key));
        }
    }
}
