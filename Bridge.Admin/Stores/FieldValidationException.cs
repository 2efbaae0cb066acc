namespace Bridge.Admin.Stores;

/// <summary>Input refused by a store; <see cref="Field"/> names the offending field as the API spells it.</summary>
public sealed class FieldValidationException(string field, string message) : ArgumentException(message)
{
    public string Field { get; } = field;
}
