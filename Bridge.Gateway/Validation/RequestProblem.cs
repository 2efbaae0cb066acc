namespace Bridge.Gateway.Validation;

/// <summary>Why a client's request is refused before it goes anywhere: the message, and the field it names.</summary>
public sealed record RequestProblem(string Message, string? Param)
{
    /// <summary>
    /// A field of the wrong type, worded as the client's own API words it: Anthropic's
    /// "<c>messages.0.content: must be ...</c>", OpenAI's "<c>Invalid type for 'messages[0].content': expected ...</c>"
    /// (the path also goes into OpenAI's <c>param</c>).
    /// </summary>
    public static RequestProblem Field(string path, string expected, bool openAI = false) =>
        openAI ? new($"Invalid type for '{path}': expected {expected}.", path) : new($"{path}: must be {expected}.", path);

    /// <summary>Base64 that does not decode.</summary>
    public static RequestProblem NotBase64(string path, bool openAI = false) =>
        openAI ? new($"Invalid '{path}': the base64 data does not decode.", path) : new($"{path}: is not valid base64.", path);

    /// <summary>A string (or property name) that is not valid UTF-8 text.</summary>
    public static RequestProblem NotText(string path, bool openAI = false) =>
        openAI ? new($"Invalid '{path}': not valid UTF-8 text.", path) : new($"{path}: is not valid UTF-8 text.", path);
}
