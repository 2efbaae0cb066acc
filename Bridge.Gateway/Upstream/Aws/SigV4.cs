using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Bridge.Gateway.Upstream.Aws;

/// <summary>
/// AWS Signature Version 4 (header form): canonical request, string to sign, the derived signing key and the
/// <c>Authorization</c> header. Pure: the caller supplies the time, the credentials and the body. Verified against
/// AWS's published examples (Bridge.Tests/Upstream/SigV4Tests.cs).
/// </summary>
public static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>Signed headers: every header given (lower-cased names); <c>host</c> and <c>x-amz-date</c> must be among them.</summary>
    public static string Authorization(
        string method, string canonicalUri, string canonicalQuery, IReadOnlyList<KeyValuePair<string, string>> headers,
        string payloadSha256Hex, DateTimeOffset time, string region, string service, string accessKeyId, string secretAccessKey)
    {
        var sorted = headers
            .Select(h => new KeyValuePair<string, string>(h.Key.ToLowerInvariant(), CanonicalValue(h.Value)))
            .OrderBy(h => h.Key, StringComparer.Ordinal)
            .ToArray();
        var signedHeaders = string.Join(';', sorted.Select(h => h.Key));
        var canonical = new StringBuilder()
            .Append(method).Append('\n')
            .Append(canonicalUri).Append('\n')
            .Append(canonicalQuery).Append('\n');
        foreach (var (name, value) in sorted) canonical.Append(name).Append(':').Append(value).Append('\n');
        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(payloadSha256Hex);

        var date = time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = $"{Algorithm}\n{AmzDate(time)}\n{scope}\n{Sha256Hex(Encoding.UTF8.GetBytes(canonical.ToString()))}";
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(SigningKey(secretAccessKey, date, region, service), Encoding.UTF8.GetBytes(stringToSign)));
        return $"{Algorithm} Credential={accessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
    }

    /// <summary>The <c>x-amz-date</c> form of a time: <c>yyyyMMddTHHmmssZ</c>.</summary>
    public static string AmzDate(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    public static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").</summary>
    public static byte[] SigningKey(string secretAccessKey, string date, string region, string service)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(key, "aws4_request"u8);
    }

    /// <summary>
    /// The canonical URI of a path that is already URI-encoded once (as sent): every segment encoded again, as every
    /// service but S3 expects (a model id's <c>:</c> is <c>%3A</c> on the wire and <c>%253A</c> when signing).
    /// </summary>
    public static string CanonicalUri(string encodedPath) =>
        encodedPath.Length == 0 ? "/" : string.Join('/', encodedPath.Split('/').Select(UriEncode));

    /// <summary>RFC 3986 encoding: every byte but the unreserved characters as %XX (upper-case hex).</summary>
    public static string UriEncode(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
                builder.Append((char)b);
            else
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }

    /// <summary>Header values are trimmed and their inner runs of spaces folded to one.</summary>
    private static string CanonicalValue(string value)
    {
        var trimmed = value.Trim();
        if (!trimmed.Contains("  ", StringComparison.Ordinal)) return trimmed;
        var builder = new StringBuilder(trimmed.Length);
        var space = false;
        foreach (var c in trimmed)
        {
            if (c == ' ')
            {
                if (!space) builder.Append(c);
                space = true;
            }
            else
            {
                builder.Append(c);
                space = false;
            }
        }
        return builder.ToString();
    }
}
