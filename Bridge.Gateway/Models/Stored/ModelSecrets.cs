using System.Security.Cryptography;
using System.Text;

namespace Bridge.Gateway.Models.Stored;

/// <summary>
/// Encrypts the secrets of deployments added at runtime (API keys, cloud secrets) before they go to Redis, with AES-GCM
/// under a key the operator controls: <c>Bridge:ModelSecretsKey</c> (32 bytes, base64), else one derived from the
/// master key (HKDF-SHA256), so rotating the master key without setting the former means re-entering those secrets.
/// A stored secret reads <c>bridge-enc:v1:{base64(nonce | ciphertext | tag)}</c>; the plain value is never stored,
/// logged or shown again.
/// </summary>
public sealed class ModelSecrets
{
    public const string Prefix = "bridge-enc:v1:";

    /// <summary>The <c>litellm_params</c> keys whose values are secrets.</summary>
    public static readonly IReadOnlySet<string> SecretParams = new HashSet<string>(StringComparer.Ordinal)
    {
        "api_key", "aws_secret_access_key", "aws_session_token", "client_secret", "azure_ad_token", "vertex_credentials",
    };

    private readonly byte[]? _key;

    /// <summary>
    /// The key the gateway and the admin both use, from the same settings (<c>Bridge:ModelSecretsKey</c>, else the
    /// config's master key), so a secret one of them seals the other opens.
    /// </summary>
    public static ModelSecrets From(IConfiguration configuration, string? masterKey) => new(configuration["Bridge:ModelSecretsKey"], masterKey);

    public ModelSecrets(string? configuredKey, string? masterKey)
    {
        if (!string.IsNullOrWhiteSpace(configuredKey))
        {
            var key = Convert.FromBase64String(configuredKey.Trim());
            if (key.Length != 32) throw new Configuration.ConfigException("Bridge:ModelSecretsKey: must be 32 bytes, base64-encoded");
            _key = key;
        }
        else if (!string.IsNullOrEmpty(masterKey))
        {
            _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(masterKey), 32, info: "bridge model secrets v1"u8.ToArray());
        }
    }

    /// <summary>False without a key (no master key and no <c>Bridge:ModelSecretsKey</c>): secrets cannot be stored.</summary>
    public bool Available => _key is not null;

    public static bool IsSealed(string value) => value.StartsWith(Prefix, StringComparison.Ordinal);

    public string Seal(string plain)
    {
        var key = _key ?? throw new InvalidOperationException("no key to encrypt model secrets with");
        var plainBytes = Encoding.UTF8.GetBytes(plain);
        var sealedBytes = new byte[12 + plainBytes.Length + 16];
        RandomNumberGenerator.Fill(sealedBytes.AsSpan(0, 12));
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(sealedBytes.AsSpan(0, 12), plainBytes, sealedBytes.AsSpan(12, plainBytes.Length), sealedBytes.AsSpan(12 + plainBytes.Length));
        return Prefix + Convert.ToBase64String(sealedBytes);
    }

    /// <summary>The plain value, or null when it does not open with this key (another key, or tampered).</summary>
    public string? Open(string value)
    {
        if (!IsSealed(value)) return value;
        if (_key is null) return null;
        try
        {
            var sealedBytes = Convert.FromBase64String(value[Prefix.Length..]);
            if (sealedBytes.Length < 28) return null;
            var plain = new byte[sealedBytes.Length - 28];
            using var aes = new AesGcm(_key, 16);
            aes.Decrypt(sealedBytes.AsSpan(0, 12), sealedBytes.AsSpan(12, plain.Length), sealedBytes.AsSpan(12 + plain.Length), plain);
            return Encoding.UTF8.GetString(plain);
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            return null;
        }
    }
}
