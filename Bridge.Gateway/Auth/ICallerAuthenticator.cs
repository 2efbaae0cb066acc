namespace Bridge.Gateway.Auth;

/// <summary>Turns a presented key into a caller, or a refusal with status and message.</summary>
public interface ICallerAuthenticator
{
    /// <param name="presentedHash">The key's stored form (<see cref="SecretComparer.Hash"/>) when the caller has it already.</param>
    ValueTask<AuthOutcome> AuthenticateAsync(string? presentedKey, CancellationToken cancellationToken, string? presentedHash = null);
}

/// <param name="WrongKey">The presented key matched no key at all: a typo or a guess, counted by the failure throttle.</param>
public readonly record struct AuthOutcome(Caller? Caller, int StatusCode, string? Message, bool WrongKey = false)
{
    public bool Succeeded => Caller is not null;
    public static AuthOutcome Success(Caller caller) => new(caller, 200, null);
    public static AuthOutcome Fail(string message, int status = 401) => new(null, status, message);
    public static AuthOutcome Wrong(string message) => new(null, 401, message, WrongKey: true);
}
