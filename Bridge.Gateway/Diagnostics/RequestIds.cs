using System.Security.Cryptography;

namespace Bridge.Gateway.Diagnostics;

/// <summary>Random identifiers in the shapes clients expect (<c>req_</c>, <c>msg_</c>, <c>toolu_</c>).</summary>
public static class RequestIds
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string New() => WithPrefix("req_bridge_", 20);

    public static string WithPrefix(string prefix, int randomChars)
    {
        return string.Create(prefix.Length + randomChars, prefix, static (span, p) =>
        {
            p.AsSpan().CopyTo(span);
            RandomNumberGenerator.GetItems(Alphabet, span[p.Length..]);
        });
    }
}
