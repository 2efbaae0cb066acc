namespace Bridge.Gateway.Validation;

/// <summary>
/// Where an element sits in a request (<c>messages.3.content.1</c>), kept as indices so that walking a
/// valid request builds no strings; the dotted form is made only when a check fails.
/// </summary>
internal readonly record struct FieldPath(string Root, int Index, string? Child = null, int ChildIndex = -1, string? Grandchild = null, int GrandchildIndex = -1)
{
    /// <summary>One level down: <c>messages.3</c> then <c>.content.1</c> then <c>.content.0</c> (three levels cover both protocols).</summary>
    public FieldPath Then(string name, int index) =>
        Child is null ? this with { Child = name, ChildIndex = index } : this with { Grandchild = name, GrandchildIndex = index };

    /// <summary>The path of a field of this element, e.g. <c>messages.3.content.1.source.data</c>.</summary>
    public string Of(string field) => $"{this}.{field}";

    public override string ToString() =>
        Child is null ? $"{Root}.{Index}"
        : Grandchild is null ? $"{Root}.{Index}.{Child}.{ChildIndex}"
        : $"{Root}.{Index}.{Child}.{ChildIndex}.{Grandchild}.{GrandchildIndex}";
}
