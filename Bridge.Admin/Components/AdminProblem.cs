using Bridge.Admin.Stores;
using StackExchange.Redis;

namespace Bridge.Admin.Components;

/// <summary>
/// One wording for every failure an admin page reports: "<c>{what failed}: Redis is not reachable right now. Try again
/// shortly.</c>" when the store is away (waiting helps), else "<c>{what failed}. Details are in the server log.</c>"
/// (the exception is logged, never shown).
/// </summary>
public static class AdminProblem
{
    /// <param name="failed">What failed, as a sentence without its full stop: "The alias could not be saved".</param>
    public static string Describe(Exception ex, string failed) =>
        IsStoreAway(ex) ? $"{failed}: Redis is not reachable right now. Try again shortly." : $"{failed}. Details are in the server log.";

    public static bool IsStoreAway(Exception ex) => ex is RedisException or TimeoutException or StoreUnavailableException;
}
