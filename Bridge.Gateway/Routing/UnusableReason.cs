namespace Bridge.Gateway.Routing;

/// <summary>Why a deployment cannot take a request right now. Listed in the order a deployment is checked.</summary>
public enum UnusableReason
{
    /// <summary>Not configured to serve (e.g. its API key variable is unset): lasts until the config changes.</summary>
    Unavailable,
    /// <summary>The caller excluded it, normally because this request already tried it.</summary>
    Excluded,
    /// <summary>Taken out of rotation after failures until a known instant.</summary>
    CoolingDown,
    /// <summary>Reached its <c>rpm</c> or <c>tpm</c> for the current minute.</summary>
    AtLimit,
}
