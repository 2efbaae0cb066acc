using Bridge.Gateway.Json;
using System.Text.Json;
using static Bridge.Gateway.Validation.JsonShape;

namespace Bridge.Gateway.Validation;

/// <summary>
/// The JSON types of the top-level OpenAI Responses fields every Responses pair reads, so a wrong type is a 400 naming
/// the field before any translation; the translators check the items inside <c>input</c> and <c>tools</c> as they read
/// them. Null counts as not sent; unknown fields are left alone.
/// </summary>
public static class ResponsesRequestCheck
{
    public static RequestProblem? Find(TapeElement root)
    {
        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Null) continue;
            var problem = property.Name switch
            {
                "input" => IsStringOrArray(value) ? null : Field("input", "a string or an array of items"),
                "instructions" or "previous_response_id" or "prompt_cache_key" or "user" or "safety_identifier" =>
                    IsString(value) ? null : Field(property.Name, "a string"),
                "stream" or "store" or "parallel_tool_calls" => IsBoolean(value) ? null : Field(property.Name, "a boolean"),
                "max_output_tokens" => IsInteger(value) ? null : Field(property.Name, "an integer"),
                "temperature" or "top_p" => IsNumber(value) ? null : Field(property.Name, "a number"),
                "tools" or "include" => IsArray(value) ? null : Field(property.Name, "an array"),
                "reasoning" or "text" or "metadata" => IsObject(value) ? null : Field(property.Name, "an object"),
                _ => null,
            };
            if (problem is not null) return problem;
        }
        return null;
    }

    private static RequestProblem Field(string path, string expected) => RequestProblem.Field(path, expected, openAI: true);
}
