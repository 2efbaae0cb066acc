using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Admin.Stores;

namespace Bridge.Admin.Api;

/// <summary>Reads a JSON object body by hand, so every error names the field instead of a generic binding failure.</summary>
public static class ApiBody
{
    private const long MaxBytes = 256 * 1024;

    public static async Task<JsonObject> ReadObjectAsync(HttpRequest request)
    {
        if (request.ContentLength > MaxBytes) throw new FieldValidationException("body", $"body: larger than {MaxBytes / 1024} KB.");
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        if (string.IsNullOrWhiteSpace(text)) return [];
        return JsonNode.Parse(text) as JsonObject ?? throw new FieldValidationException("body", "body: must be a JSON object.");
    }

    public static string? String(JsonObject body, string field)
    {
        if (!body.TryGetPropertyValue(field, out var node) || node is null) return null;
        if (node.GetValueKind() != JsonValueKind.String) throw new FieldValidationException(field, $"{field}: must be a string.");
        return node.GetValue<string>();
    }

    public static int? Int(JsonObject body, string field)
    {
        if (!body.TryGetPropertyValue(field, out var node) || node is null) return null;
        if (node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<int>(out var value)) return value;
        throw new FieldValidationException(field, $"{field}: must be a whole number.");
    }
}
