namespace Bridge.Admin.Stores;

/// <summary>Which sessions of the last 24 hours come first.</summary>
public enum SessionOrder
{
    /// <summary>Most recently active first.</summary>
    LastSeen,
    /// <summary>Most spent first.</summary>
    Cost,
}
