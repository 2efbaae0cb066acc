namespace Bridge.Gateway.Auth;

/// <summary>Turns a presented key into a caller, or a refusal with status and message.</summary>
public interface ICallerAuthenticator
{
    ValueTask<AuthOutcome> AuthenticateAsync(string? presentedKey, CancellationToken cancellationToken);
}

public readonly record struct AuthOutcome(Caller? Caller, int StatusCode, string? Message)
{
    public bool Succeeded => Caller is not null;
    public static AuthOutcome Success(Caller caller) => new(caller, 200, null);
    public static AuthOutcome Fail(string message, int status = 401) => new(null, status, message);
}
