using Bridge.Gateway.State;

namespace Bridge.Admin.Stores;

/// <summary>
/// What the request log shows: every criterion is optional. Key, model and deployment match a part of the name,
/// case-insensitively (key by id or name; model by the name asked or the model group). Status is <c>errors</c>,
/// <c>ok</c>, a class such as <c>5xx</c>, or one code.
/// </summary>
public sealed record RequestLogFilter(
    string? Key = null,
    string? Model = null,
    string? Deployment = null,
    string? Status = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null)
{
    public bool Matches(RequestLogEntry entry)
    {
        if (From is { } from && entry.Time < from) return false;
        if (To is { } to && entry.Time > to) return false;
        if (Has(Key) && !Contains(entry.KeyId, Key) && !Contains(entry.KeyName, Key) && !(entry.KeyId is null && Contains("master key", Key))) return false;
        if (Has(Model) && !Contains(entry.Model, Model) && !Contains(entry.RequestedModel, Model)) return false;
        if (Has(Deployment) && !Contains(entry.Deployment, Deployment)) return false;
        return StatusMatches(entry.Status);
    }

    /// <summary>A status criterion that is none of the accepted forms, or null when it is one of them (or unset).</summary>
    public string? StatusProblem() =>
        !Has(Status) || Status is "errors" or "ok" || (Status!.Length == 3 && Status[0] is >= '1' and <= '5' && Status[1..] == "xx")
            || (int.TryParse(Status, out var code) && code is >= 100 and <= 599)
            ? null
            : "status: 'errors', 'ok', a class such as '5xx', or a code such as '429'.";

    private bool StatusMatches(int status) => Status switch
    {
        null or "" => true,
        "errors" => status >= 400,
        "ok" => status < 400,
        { Length: 3 } s when s[1..] == "xx" => status / 100 == s[0] - '0',
        var s => int.TryParse(s, out var code) && status == code,
    };

    private static bool Has(string? value) => !string.IsNullOrWhiteSpace(value);

    private static bool Contains(string? value, string? part) => value is not null && value.Contains(part!.Trim(), StringComparison.OrdinalIgnoreCase);
}
