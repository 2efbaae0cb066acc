using System.Text;
using System.Text.RegularExpressions;

namespace Bridge.Gateway.Configuration;

/// <summary>
/// A <c>model_name</c> pattern with <c>*</c> (<c>*</c>, <c>openai/*</c>, <c>fo::*:static::*</c>), routed as LiteLLM
/// routes it: a client's model matching the pattern is served by this deployment, what each <c>*</c> matched
/// filling the <c>*</c>s of <c>litellm_params.model</c> in order (<c>openai/*</c> -> <c>gpt-4o</c> for a client asking <c>gpt-4o</c>).
/// </summary>
public sealed class WildcardModel
{
    private readonly Regex _pattern;
    private readonly string[] _upstreamParts;

    public WildcardModel(string pattern, string upstreamPattern)
    {
        Pattern = pattern;
        var parts = pattern.Split('*');
        Specificity = parts.Sum(p => p.Length);
        _pattern = new Regex("^" + string.Join("(.*)", parts.Select(Regex.Escape)) + "$",
            RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromMilliseconds(50));
        _upstreamParts = upstreamPattern.Split('*');
    }

    public string Pattern { get; }

    /// <summary>The literal part of the pattern: longer is more specific, and LiteLLM tries the more specific first.</summary>
    public int Specificity { get; }

    /// <summary>The upstream model for <paramref name="requested"/>, or null when it does not match.</summary>
    public string? Match(string requested)
    {
        System.Text.RegularExpressions.Match match;
        try
        {
            match = _pattern.Match(requested);
        }
        catch (RegexMatchTimeoutException)
        {
            return null; // a client-chosen name that takes this long is no model name
        }
        if (!match.Success) return null;
        // An upstream model without '*' serves every matching name with that one model.
        var upstream = new StringBuilder(_upstreamParts[0]);
        for (var i = 1; i < _upstreamParts.Length; i++)
        {
            upstream.Append(i < match.Groups.Count ? match.Groups[i].Value : "*").Append(_upstreamParts[i]);
        }
        return upstream.ToString();
    }
}
