using Bridge.Gateway.Json;
using System.Text.Json;
using static Bridge.Gateway.Validation.FieldChecks;
using static Bridge.Gateway.Validation.JsonShape;

namespace Bridge.Gateway.Validation;

/// <summary>
/// The JSON types of the OpenAI Chat Completions fields Bridge reads or translates, and the base64 of data URLs
/// and audio. Runs on every <c>/v1/chat/completions</c> body, whichever backend serves it, so a wrong type is a
/// 400 naming the field (OpenAI's <c>param</c>). Reads only the parsed document; allocates nothing unless it
/// finds a problem. Unknown fields are left alone; null counts as not sent.
/// </summary>
public static class OpenAIRequestCheck
{
    public static RequestProblem? Find(TapeElement root)
    {
        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Null) continue;
            var problem = Top(property, value);
            if (problem is not null) return problem;
        }
        return null;
    }

    private static RequestProblem? Top(TapeProperty property, TapeElement value)
    {
        if (property.NameEquals("messages"u8)) return IsArray(value) ? Messages(value) : Field("messages", "an array");
        // OpenAI's seed is a 64-bit integer; every other whole-number field here is a count that fits 32 bits.
        if (property.NameEquals("seed")) return IsInteger64(value) ? null : Field("seed", "an integer");
        foreach (var name in IntegerFields)
        {
            if (property.NameEquals(name)) return IsInteger(value) ? null : Field(name, "an integer");
        }
        foreach (var name in NumberFields)
        {
            if (property.NameEquals(name)) return IsNumber(value) ? null : Field(name, "a number");
        }
        foreach (var name in BooleanFields)
        {
            if (property.NameEquals(name)) return IsBoolean(value) ? null : Field(name, "a boolean");
        }
        foreach (var name in StringFields)
        {
            if (property.NameEquals(name)) return IsString(value) ? null : Field(name, "a string");
        }
        foreach (var name in ObjectFields)
        {
            if (property.NameEquals(name)) return IsObject(value) ? null : Field(name, "an object");
        }
        if (property.NameEquals("stream_options"u8))
        {
            return IsObject(value)
                ? Optional(value, "include_usage", IsBoolean, "stream_options.include_usage", "a boolean", openAI: true)
                : Field("stream_options", "an object");
        }
        if (property.NameEquals("stop"u8)) return IsString(value) ? null : StringArray(value, "stop");
        if (property.NameEquals("tools"u8)) return IsArray(value) ? Tools(value) : Field("tools", "an array");
        if (property.NameEquals("tool_choice"u8))
        {
            if (IsString(value)) return null;
            if (!IsObject(value)) return Field("tool_choice", "a string or an object");
            return Optional(value, "type", IsString, "tool_choice.type", "a string", openAI: true)
                ?? Optional(value, "function", IsObject, "tool_choice.function", "an object", openAI: true);
        }
        if (property.NameEquals("thinking"u8))
        {
            // Anthropic's parameter, which some clients send here too and the Anthropic backend reads.
            if (!IsObject(value)) return Field("thinking", "an object");
            return Optional(value, "type", IsString, "thinking.type", "a string", openAI: true)
                ?? Optional(value, "budget_tokens", IsInteger, "thinking.budget_tokens", "an integer", openAI: true);
        }
        return null;
    }

    private static RequestProblem Field(string path, string expected) => RequestProblem.Field(path, expected, openAI: true);

    private static readonly string[] IntegerFields = ["max_tokens", "max_completion_tokens", "n", "top_logprobs", "top_k"];
    private static readonly string[] NumberFields = ["temperature", "top_p", "frequency_penalty", "presence_penalty"];
    private static readonly string[] BooleanFields = ["stream", "parallel_tool_calls", "logprobs", "store"];
    private static readonly string[] StringFields = ["reasoning_effort", "user", "service_tier", "verbosity", "prompt_cache_key", "safety_identifier"];
    private static readonly string[] ObjectFields = ["response_format", "metadata", "logit_bias", "prediction", "web_search_options", "output_config"];

    private static RequestProblem? StringArray(TapeElement value, string name)
    {
        if (!IsArray(value)) return Field(name, "a string or an array of strings");
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (!IsString(item)) return Field($"{name}[{i}]", "a string");
            i++;
        }
        return null;
    }

    private static RequestProblem? Tools(TapeElement tools)
    {
        var i = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var at = new FieldPath("tools", i++) { OpenAI = true };
            if (!IsObject(tool)) return Field(at.ToString(), "an object");
            var problem = Optional(tool, "type", IsString, at, "a string") ?? Optional(tool, "function", IsObject, at, "an object");
            if (problem is not null) return problem;
            if (!tool.TryGetProperty("function"u8, out var function) || !IsObject(function)) continue;
            if (function.TryGetProperty("name"u8, out var name) && !IsNull(name) && !IsString(name)) return Field(at.Of("function.name"), "a string");
            if (function.TryGetProperty("description"u8, out var description) && !IsNull(description) && !IsString(description))
                return Field(at.Of("function.description"), "a string");
            if (function.TryGetProperty("parameters"u8, out var parameters) && !IsNull(parameters) && !IsObject(parameters))
                return Field(at.Of("function.parameters"), "an object");
            if (function.TryGetProperty("strict"u8, out var strict) && !IsNull(strict) && !IsBoolean(strict))
                return Field(at.Of("function.strict"), "a boolean");
        }
        return null;
    }

    private static RequestProblem? Messages(TapeElement messages)
    {
        var i = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var at = new FieldPath("messages", i++) { OpenAI = true };
            if (!IsObject(message)) return Field(at.ToString(), "an object");
            var problem = Optional(message, "role", IsString, at, "a string")
                ?? Optional(message, "name", IsString, at, "a string")
                ?? Optional(message, "tool_call_id", IsString, at, "a string")
                ?? Optional(message, "refusal", IsString, at, "a string")
                ?? Optional(message, "reasoning_content", IsString, at, "a string");
            if (problem is not null) return problem;
            if (message.TryGetProperty("tool_calls"u8, out var calls) && !IsNull(calls))
            {
                problem = IsArray(calls) ? ToolCalls(calls, at) : Field(at.Of("tool_calls"), "an array");
                if (problem is not null) return problem;
            }
            if (!message.TryGetProperty("content"u8, out var content) || IsString(content) || IsNull(content)) continue;
            if (!IsArray(content)) return Field(at.Of("content"), "a string or an array of content parts");
            var j = 0;
            foreach (var part in content.EnumerateArray())
            {
                problem = Part(part, at.Then("content", j++));
                if (problem is not null) return problem;
            }
        }
        return null;
    }

    private static RequestProblem? ToolCalls(TapeElement calls, FieldPath message)
    {
        var k = 0;
        foreach (var call in calls.EnumerateArray())
        {
            var at = message.Then("tool_calls", k++);
            if (!IsObject(call)) return Field(at.ToString(), "an object");
            var problem = Optional(call, "id", IsString, at, "a string")
                ?? Optional(call, "type", IsString, at, "a string")
                ?? Optional(call, "function", IsObject, at, "an object");
            if (problem is not null) return problem;
            if (!call.TryGetProperty("function"u8, out var function) || !IsObject(function)) continue;
            if (function.TryGetProperty("name"u8, out var name) && !IsNull(name) && !IsString(name)) return Field(at.Of("function.name"), "a string");
            if (function.TryGetProperty("arguments"u8, out var arguments) && !IsNull(arguments) && !IsString(arguments))
                return Field(at.Of("function.arguments"), "a string");
        }
        return null;
    }

    /// <summary>One content part: text, an image (URL or base64 data URL), audio (base64) or a file (data URL).</summary>
    private static RequestProblem? Part(TapeElement part, FieldPath at)
    {
        if (!IsObject(part)) return Field(at.ToString(), "an object");
        if (!part.TryGetProperty("type"u8, out var type) || IsNull(type)) return null;
        if (!IsString(type)) return Field(at.Of("type"), "a string");

        if (type.ValueEquals("text"u8)) return Optional(part, "text", IsString, at, "a string");
        if (type.ValueEquals("image_url"u8))
        {
            if (!part.TryGetProperty("image_url"u8, out var image) || IsNull(image)) return null;
            if (!IsObject(image)) return Field(at.Of("image_url"), "an object");
            if (!image.TryGetProperty("url"u8, out var url) || IsNull(url)) return null;
            if (!IsString(url)) return Field(at.Of("image_url.url"), "a string");
            if (!Base64Text.IsValidDataUrl(url)) return RequestProblem.NotBase64(at.Of("image_url.url"), openAI: true);
            if (image.TryGetProperty("detail"u8, out var detail) && !IsNull(detail) && !IsString(detail)) return Field(at.Of("image_url.detail"), "a string");
            return null;
        }
        if (type.ValueEquals("input_audio"u8))
        {
            if (!part.TryGetProperty("input_audio"u8, out var audio) || IsNull(audio)) return null;
            if (!IsObject(audio)) return Field(at.Of("input_audio"), "an object");
            if (audio.TryGetProperty("format"u8, out var format) && !IsNull(format) && !IsString(format)) return Field(at.Of("input_audio.format"), "a string");
            if (!audio.TryGetProperty("data"u8, out var data) || IsNull(data)) return null;
            if (!IsString(data)) return Field(at.Of("input_audio.data"), "a string");
            return Base64Text.IsValid(data) ? null : RequestProblem.NotBase64(at.Of("input_audio.data"), openAI: true);
        }
        if (type.ValueEquals("file"u8))
        {
            if (!part.TryGetProperty("file"u8, out var file) || IsNull(file)) return null;
            if (!IsObject(file)) return Field(at.Of("file"), "an object");
            if (file.TryGetProperty("filename"u8, out var filename) && !IsNull(filename) && !IsString(filename)) return Field(at.Of("file.filename"), "a string");
            if (file.TryGetProperty("file_id"u8, out var fileId) && !IsNull(fileId) && !IsString(fileId)) return Field(at.Of("file.file_id"), "a string");
            if (!file.TryGetProperty("file_data"u8, out var data) || IsNull(data)) return null;
            if (!IsString(data)) return Field(at.Of("file.file_data"), "a string");
            return Base64Text.IsValidDataUrl(data) ? null : RequestProblem.NotBase64(at.Of("file.file_data"), openAI: true);
        }
        return null;
    }
}
