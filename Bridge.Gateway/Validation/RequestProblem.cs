namespace Bridge.Gateway.Validation;

/// <summary>Why a client's request is refused before it goes anywhere: the message, and the field it names.</summary>
public sealed record RequestProblem(string Message, string? Param)
{
    /// <summary>"<paramref name="path"/>: must be <paramref name="expected"/>.", naming the field for OpenAI's <c>param</c>.</summary>
    public static RequestProblem Field(string path, string expected) => new($"{path}: must be {expected}.", path);
}
