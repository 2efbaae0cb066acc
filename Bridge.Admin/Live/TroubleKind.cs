namespace Bridge.Admin.Live;

public enum TroubleKind
{
    /// <summary>The config leaves it unusable (a missing secret, an unknown provider...): no gateway routes to it.</summary>
    Unavailable,
    /// <summary>A gateway put it in <c>bridge:cooldown:{id}</c> after failures; routing skips it until then.</summary>
    CoolingDown,
    /// <summary>Not cooling down, but some of its recent requests failed.</summary>
    Failing,
}
