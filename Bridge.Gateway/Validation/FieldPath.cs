namespace Bridge.Gateway.Validation;

/// <summary>
/// Where an element sits in a request (<c>messages.3.content.1</c>), kept as indices so that walking a
/// valid request builds no strings; the dotted form is made only when a check fails.
/// </summary>
internal readonly record struct FieldPath(string Root, int Index, string? Child = null, int ChildIndex = -1, string? Grandchild = null, int GrandchildIndex = -1)
{
    /// <summary>OpenAI's form, <c>messages[3].content[1]</c>, rather than Anthropic's <c>messages.3.content.1</c>.</summary>
    public bool OpenAI { get; init; }

    /// <summary>One level down: <c>messages.3</c> then <c>.content.1</c> then <c>.content.0</c> (three levels cover both protocols).</summary>
    public FieldPath Then(string name, int index) =>
        Child is null ? this with { Child = name, ChildIndex = index } : this with { Grandchild = name, GrandchildIndex = index };

    /// <summary>The path of a field of this element, e.g. <c>messages.3.content.1.source.data</c>.</summary>
    public string Of(string field) => $"{this}.{field}";

    public override string ToString() =>
        Child is null ? $"{Root}{Step(Index)}"
        : Grandchild is null ? $"{Root}{Step(Index)}.{Child}{Step(ChildIndex)}"
        : $"{Root}{Step(Index)}.{Child}{Step(ChildIndex)}.{Grandchild}{Step(GrandchildIndex)}";

    private string Step(int index) => OpenAI ? $"[{index}]" : $".{index}";
}
