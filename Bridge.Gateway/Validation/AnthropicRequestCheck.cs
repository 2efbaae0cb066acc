using Bridge.Gateway.Json;
using System.Text.Json;
using static Bridge.Gateway.Validation.FieldChecks;
using static Bridge.Gateway.Validation.JsonShape;

namespace Bridge.Gateway.Validation;

/// <summary>
/// The JSON types of the Anthropic Messages fields Bridge reads or translates, and the base64 of images and
/// documents. Runs on every <c>/v1/messages</c> body, the native path included (which otherwise forwards the
/// body untouched), so a wrong type is a 400 naming the field rather than an exception or an upstream's guess.
/// Reads only the parsed document; allocates nothing unless it finds a problem. Unknown fields are left alone.
/// </summary>
public static class AnthropicRequestCheck
{
    public static RequestProblem? Find(TapeElement root)
    {
        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Null) continue; // as if not sent
            var problem = Top(property, value);
            if (problem is not null) return problem;
        }
        return null;
    }

    private static RequestProblem? Top(TapeProperty property, TapeElement value)
    {
        if (property.NameEquals("messages"u8)) return IsArray(value) ? Messages(value) : RequestProblem.Field("messages", "an array");
        if (property.NameEquals("system"u8))
            return IsString(value) ? null : IsArray(value) ? Blocks(value, "system") : RequestProblem.Field("system", "a string or an array of text blocks");
        if (property.NameEquals("max_tokens"u8)) return IsInteger(value) ? null : RequestProblem.Field("max_tokens", "an integer");
        if (property.NameEquals("stream"u8)) return IsBoolean(value) ? null : RequestProblem.Field("stream", "a boolean");
        if (property.NameEquals("temperature"u8)) return IsNumber(value) ? null : RequestProblem.Field("temperature", "a number");
        if (property.NameEquals("top_p"u8)) return IsNumber(value) ? null : RequestProblem.Field("top_p", "a number");
        if (property.NameEquals("top_k"u8)) return IsInteger(value) ? null : RequestProblem.Field("top_k", "an integer");
        if (property.NameEquals("stop_sequences"u8)) return StringArray(value, "stop_sequences");
        if (property.NameEquals("metadata"u8))
            return IsObject(value) ? Optional(value, "user_id", IsString, "metadata.user_id", "a string") : RequestProblem.Field("metadata", "an object");
        if (property.NameEquals("tools"u8)) return IsArray(value) ? Tools(value) : RequestProblem.Field("tools", "an array");
        if (property.NameEquals("tool_choice"u8))
        {
            if (!IsObject(value)) return RequestProblem.Field("tool_choice", "an object");
            return Optional(value, "type", IsString, "tool_choice.type", "a string")
                ?? Optional(value, "name", IsString, "tool_choice.name", "a string")
                ?? Optional(value, "disable_parallel_tool_use", IsBoolean, "tool_choice.disable_parallel_tool_use", "a boolean");
        }
        if (property.NameEquals("thinking"u8))
        {
            if (!IsObject(value)) return RequestProblem.Field("thinking", "an object");
            return Optional(value, "type", IsString, "thinking.type", "a string")
                ?? Optional(value, "budget_tokens", IsInteger, "thinking.budget_tokens", "an integer");
        }
        if (property.NameEquals("output_config"u8))
            return IsObject(value) ? Optional(value, "effort", IsString, "output_config.effort", "a string") : RequestProblem.Field("output_config", "an object");
        if (property.NameEquals("service_tier"u8)) return IsString(value) ? null : RequestProblem.Field("service_tier", "a string");
        return null;
    }

    private static RequestProblem? StringArray(TapeElement value, string name)
    {
        if (!IsArray(value)) return RequestProblem.Field(name, "an array of strings");
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (!IsString(item)) return RequestProblem.Field($"{name}.{i}", "a string");
            i++;
        }
        return null;
    }

    private static RequestProblem? Tools(TapeElement tools)
    {
        var i = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var at = new FieldPath("tools", i++);
            if (!IsObject(tool)) return RequestProblem.Field(at.ToString(), "an object");
            var problem = Optional(tool, "name", IsString, at, "a string")
                ?? Optional(tool, "type", IsString, at, "a string")
                ?? Optional(tool, "description", IsString, at, "a string")
                ?? Optional(tool, "input_schema", IsObject, at, "an object");
            if (problem is not null) return problem;
        }
        return null;
    }

    private static RequestProblem? Messages(TapeElement messages)
    {
        var i = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var at = new FieldPath("messages", i++);
            if (!IsObject(message)) return RequestProblem.Field(at.ToString(), "an object");
            var problem = Optional(message, "role", IsString, at, "a string");
            if (problem is not null) return problem;
            if (!message.TryGetProperty("content"u8, out var content) || IsString(content) || IsNull(content)) continue;
            if (!IsArray(content)) return RequestProblem.Field(at.Of("content"), "a string or an array of content blocks");
            problem = Blocks(content, at, nested: false);
            if (problem is not null) return problem;
        }
        return null;
    }

    /// <summary>The system prompt's blocks.</summary>
    private static RequestProblem? Blocks(TapeElement blocks, string root)
    {
        var j = 0;
        foreach (var block in blocks.EnumerateArray())
        {
            var problem = Block(block, new FieldPath(root, j++), nested: true);
            if (problem is not null) return problem;
        }
        return null;
    }

    private static RequestProblem? Blocks(TapeElement blocks, FieldPath parent, bool nested)
    {
        var j = 0;
        foreach (var block in blocks.EnumerateArray())
        {
            var problem = Block(block, parent.Then("content", j++), nested);
            if (problem is not null) return problem;
        }
        return null;
    }

    /// <summary>One content block; <paramref name="nested"/> blocks (inside a tool result) hold no further blocks.</summary>
    private static RequestProblem? Block(TapeElement block, FieldPath at, bool nested)
    {
        if (!IsObject(block)) return RequestProblem.Field(at.ToString(), "an object");
        if (!block.TryGetProperty("type"u8, out var type) || IsNull(type)) return null; // the translator or the upstream says what is missing
        if (!IsString(type)) return RequestProblem.Field(at.Of("type"), "a string");

        if (type.ValueEquals("text"u8)) return Optional(block, "text", IsString, at, "a string");
        if (type.ValueEquals("image"u8) || type.ValueEquals("document"u8)) return Source(block, at);
        if (type.ValueEquals("tool_use"u8) || type.ValueEquals("server_tool_use"u8))
        {
            return Optional(block, "id", IsString, at, "a string")
                ?? Optional(block, "name", IsString, at, "a string")
                ?? Optional(block, "input", IsObject, at, "an object");
        }
        if (type.ValueEquals("tool_result"u8))
        {
            var problem = Optional(block, "tool_use_id", IsString, at, "a string")
                ?? Optional(block, "is_error", IsBoolean, at, "a boolean");
            if (problem is not null || !block.TryGetProperty("content"u8, out var content) || IsString(content) || IsNull(content)) return problem;
            if (nested || !IsArray(content)) return RequestProblem.Field(at.Of("content"), "a string or an array of content blocks");
            return Blocks(content, at, nested: true);
        }
        if (type.ValueEquals("thinking"u8))
        {
            return Optional(block, "thinking", IsString, at, "a string")
                ?? Optional(block, "signature", IsString, at, "a string");
        }
        if (type.ValueEquals("redacted_thinking"u8)) return Optional(block, "data", IsString, at, "a string");
        return null;
    }

    /// <summary>An image's or document's source; base64 data must decode.</summary>
    private static RequestProblem? Source(TapeElement block, FieldPath at)
    {
        if (!block.TryGetProperty("source"u8, out var source) || IsNull(source)) return null;
        if (!IsObject(source)) return RequestProblem.Field(at.Of("source"), "an object");
        if (source.TryGetProperty("type"u8, out var sourceType) && !IsNull(sourceType) && !IsString(sourceType))
            return RequestProblem.Field(at.Of("source.type"), "a string");
        if (source.TryGetProperty("media_type"u8, out var mediaType) && !IsNull(mediaType) && !IsString(mediaType))
            return RequestProblem.Field(at.Of("source.media_type"), "a string");
        if (!IsString(sourceType) || !sourceType.ValueEquals("base64"u8)) return null;
        if (!source.TryGetProperty("data"u8, out var data) || IsNull(data)) return null;
        if (!IsString(data)) return RequestProblem.Field(at.Of("source.data"), "a string");
        return Base64Text.IsValid(data) ? null : RequestProblem.NotBase64(at.Of("source.data"));
    }
}
