using Bridge.Gateway.State;

namespace Bridge.Gateway.Limits;

/// <summary>Which model names a virtual key may use: exact names, <c>*</c>, or prefix patterns like <c>gpt-*</c>.</summary>
public static class ModelAccess
{
    public static bool Allows(VirtualKeyRecord? key, string requestedModel, string? groupName)
    {
        if (key is null || key.Models.Count == 0) return true;
        foreach (var pattern in key.Models)
        {
            if (Matches(pattern, requestedModel) || (groupName is not null && Matches(pattern, groupName))) return true;
        }
        return false;
    }

    private static bool Matches(string pattern, string name) =>
        pattern == "*" || pattern == name
        || (pattern.EndsWith('*') && name.StartsWith(pattern[..^1], StringComparison.Ordinal));
}
