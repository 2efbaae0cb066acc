using System.Text.Json;
using System.Text.RegularExpressions;

namespace Bridge.Tests.Translation;

/// <summary>
/// Strict check of a Chat Completions request body against OpenAI's API reference
/// (POST /v1/chat/completions). Returns every violation found, empty when valid.
/// </summary>
internal static partial class OpenAIChatRequestValidator
{
    private static readonly HashSet<string> TopLevelKeys =
    [
        "messages", "model", "audio", "frequency_penalty", "logit_bias", "logprobs", "max_completion_tokens",
        "max_tokens", "modalities", "n", "parallel_tool_calls", "prediction", "presence_penalty",
        "prompt_cache_key", "reasoning_effort", "response_format", "safety_identifier", "seed", "service_tier",
        "stop", "store", "stream", "stream_options", "temperature", "tool_choice", "tools", "top_logprobs",
        "top_p", "user", "verbosity", "web_search_options",
    ];

    private static readonly HashSet<string> ForbiddenAnywhere =
        ["cache_control", "thinking", "output_config", "context_management", "metadata", "betas", "top_k", "stop_sequences"];

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex FunctionName();

    public static List<string> Validate(JsonElement body, bool reasoningTarget)
    {
        var errors = new List<string>();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("body: not an object");
            return errors;
        }

        foreach (var property in body.EnumerateObject())
        {
            if (!TopLevelKeys.Contains(property.Name))
            {
                errors.Add($"unknown top-level key '{property.Name}'");
            }
        }

        CheckForbiddenKeys(body, "", errors);

        if (!body.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String || model.GetString()!.Length == 0)
        {
            errors.Add("model: missing");
        }

        var toolNames = CheckTools(body, errors);
        CheckMessages(body, errors);
        CheckToolChoice(body, toolNames, errors);

        if (body.TryGetProperty("stop", out var stop))
        {
            if (stop.ValueKind == JsonValueKind.Array)
            {
                if (stop.GetArrayLength() is 0 or > 4)
                {
                    errors.Add("stop: 1 to 4 sequences");
                }

                if (stop.EnumerateArray().Any(s => s.ValueKind != JsonValueKind.String))
                {
                    errors.Add("stop: strings only");
                }
            }
            else if (stop.ValueKind != JsonValueKind.String)
            {
                errors.Add("stop: string or array");
            }
        }

        if (body.TryGetProperty("user", out var user) && (user.ValueKind != JsonValueKind.String || user.GetString()!.Length > 64))
        {
            errors.Add("user: string of at most 64 characters");
        }

        var streaming = body.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True;
        if (body.TryGetProperty("stream_options", out _) && !streaming)
        {
            errors.Add("stream_options: only with stream: true");
        }

        if (body.TryGetProperty("reasoning_effort", out var effort)
            && effort.GetString() is not ("minimal" or "low" or "medium" or "high"))
        {
            errors.Add("reasoning_effort: unknown value");
        }

        if (body.TryGetProperty("response_format", out var format))
        {
            CheckResponseFormat(format, errors);
        }

        if (reasoningTarget)
        {
            if (body.TryGetProperty("max_tokens", out _))
            {
                errors.Add("reasoning: max_tokens not supported (use max_completion_tokens)");
            }

            if (body.TryGetProperty("temperature", out var t) && t.GetDouble() != 1.0)
            {
                errors.Add("reasoning: temperature must be 1");
            }

            foreach (var key in new[] { "top_p", "stop", "presence_penalty", "frequency_penalty", "logprobs" })
            {
                if (body.TryGetProperty(key, out _))
                {
                    errors.Add($"reasoning: {key} not supported");
                }
            }
        }
        else if (body.TryGetProperty("reasoning_effort", out _))
        {
            errors.Add("reasoning_effort: only for reasoning models");
        }

        foreach (var key in new[] { "max_tokens", "max_completion_tokens" })
        {
            if (body.TryGetProperty(key, out var limit) && (!limit.TryGetInt32(out var n) || n < 1))
            {
                errors.Add($"{key}: positive integer");
            }
        }

        return errors;
    }

    private static void CheckForbiddenKeys(JsonElement element, string path, List<string> errors)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                var childPath = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                if (ForbiddenAnywhere.Contains(property.Name))
                {
                    errors.Add($"{childPath}: Anthropic-only key");
                }

                // JSON Schemas may legitimately name properties "metadata", "thinking", ...
                if (property.Name is not ("parameters" or "schema"))
                {
                    CheckForbiddenKeys(property.Value, childPath, errors);
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in element.EnumerateArray())
            {
                CheckForbiddenKeys(item, $"{path}.{i++}", errors);
            }
        }
    }

    private static HashSet<string> CheckTools(JsonElement body, List<string> errors)
    {
        var names = new HashSet<string>();
        if (!body.TryGetProperty("tools", out var tools))
        {
            return names;
        }

        if (tools.ValueKind != JsonValueKind.Array || tools.GetArrayLength() == 0)
        {
            errors.Add("tools: must be a non-empty array when present");
            return names;
        }

        var i = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var path = $"tools.{i++}";
            if (!tool.TryGetProperty("type", out var type) || type.GetString() != "function")
            {
                errors.Add($"{path}.type: must be 'function'");
            }

            foreach (var p in tool.EnumerateObject())
            {
                if (p.Name is not ("type" or "function"))
                {
                    errors.Add($"{path}.{p.Name}: unknown key");
                }
            }

            if (!tool.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{path}.function: missing");
                continue;
            }

            foreach (var p in function.EnumerateObject())
            {
                if (p.Name is not ("name" or "description" or "parameters" or "strict"))
                {
                    errors.Add($"{path}.function.{p.Name}: unknown key");
                }
            }

            var name = function.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";
            if (!FunctionName().IsMatch(name))
            {
                errors.Add($"{path}.function.name: '{name}' does not match ^[a-zA-Z0-9_-]{{1,64}}$");
            }

            if (!names.Add(name))
            {
                errors.Add($"{path}.function.name: duplicate '{name}'");
            }

            if (function.TryGetProperty("parameters", out var parameters) && parameters.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{path}.function.parameters: must be an object");
            }

            if (function.TryGetProperty("description", out var description) && description.ValueKind != JsonValueKind.String)
            {
                errors.Add($"{path}.function.description: must be a string");
            }
        }

        return names;
    }

    private static void CheckToolChoice(JsonElement body, HashSet<string> toolNames, List<string> errors)
    {
        var hasTools = toolNames.Count > 0;
        if (body.TryGetProperty("parallel_tool_calls", out var parallel))
        {
            if (!hasTools)
            {
                errors.Add("parallel_tool_calls: only with tools");
            }

            if (parallel.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                errors.Add("parallel_tool_calls: boolean");
            }
        }

        if (!body.TryGetProperty("tool_choice", out var choice))
        {
            return;
        }

        if (!hasTools)
        {
            errors.Add("tool_choice: only with tools");
        }

        if (choice.ValueKind == JsonValueKind.String)
        {
            if (choice.GetString() is not ("none" or "auto" or "required"))
            {
                errors.Add("tool_choice: none, auto or required");
            }
        }
        else if (choice.ValueKind != JsonValueKind.Object
                 || choice.GetProperty("type").GetString() != "function"
                 || !toolNames.Contains(choice.GetProperty("function").GetProperty("name").GetString()!))
        {
            errors.Add("tool_choice: {type: function, function: {name}} naming a declared tool");
        }
    }

    private static void CheckMessages(JsonElement body, List<string> errors)
    {
        if (!body.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            errors.Add("messages: non-empty array required");
            return;
        }

        var openToolCalls = new HashSet<string>();
        var previousRole = "";
        var i = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var path = $"messages.{i++}";
            var role = message.TryGetProperty("role", out var r) ? r.GetString() : null;
            foreach (var p in message.EnumerateObject())
            {
                var allowed = p.Name is "role" or "content" or "name"
                    || (role == "assistant" && p.Name is "tool_calls" or "refusal" or "audio")
                    || (role == "tool" && p.Name == "tool_call_id");
                if (!allowed)
                {
                    errors.Add($"{path}.{p.Name}: not allowed on a {role} message");
                }
            }

            if (role != "tool" && openToolCalls.Count > 0)
            {
                errors.Add($"{path}: tool_calls {string.Join(",", openToolCalls)} of the previous assistant message have no tool message");
                openToolCalls.Clear();
            }

            message.TryGetProperty("content", out var content);
            switch (role)
            {
                case "system" or "developer":
                    CheckParts(content, path, ["text"], allowString: true, allowNull: false, errors);
                    break;
                case "user":
                    CheckParts(content, path, ["text", "image_url", "file"], allowString: true, allowNull: false, errors);
                    break;
                case "assistant":
                    var hasToolCalls = message.TryGetProperty("tool_calls", out var toolCalls);
                    CheckParts(content, path, ["text", "refusal"], allowString: true, allowNull: hasToolCalls, errors);
                    if (hasToolCalls)
                    {
                        if (toolCalls.ValueKind != JsonValueKind.Array || toolCalls.GetArrayLength() == 0)
                        {
                            errors.Add($"{path}.tool_calls: non-empty array");
                            break;
                        }

                        var j = 0;
                        foreach (var call in toolCalls.EnumerateArray())
                        {
                            var callPath = $"{path}.tool_calls.{j++}";
                            var id = call.TryGetProperty("id", out var idElement) ? idElement.GetString() ?? "" : "";
                            if (id.Length is 0 or > 40)
                            {
                                errors.Add($"{callPath}.id: 1 to 40 characters");
                            }

                            openToolCalls.Add(id);
                            if (call.GetProperty("type").GetString() != "function")
                            {
                                errors.Add($"{callPath}.type: must be 'function'");
                            }

                            var function = call.GetProperty("function");
                            if (!FunctionName().IsMatch(function.GetProperty("name").GetString() ?? ""))
                            {
                                errors.Add($"{callPath}.function.name: invalid");
                            }

                            var arguments = function.GetProperty("arguments");
                            if (arguments.ValueKind != JsonValueKind.String)
                            {
                                errors.Add($"{callPath}.function.arguments: must be a JSON string");
                            }
                            else
                            {
                                try
                                {
                                    using var parsed = JsonDocument.Parse(arguments.GetString()!);
                                }
                                catch (JsonException)
                                {
                                    errors.Add($"{callPath}.function.arguments: not valid JSON");
                                }
                            }
                        }
                    }

                    break;
                case "tool":
                    var toolCallId = message.TryGetProperty("tool_call_id", out var tcid) ? tcid.GetString() : null;
                    if (previousRole is not ("assistant" or "tool") || toolCallId is null || !openToolCalls.Remove(toolCallId))
                    {
                        errors.Add($"{path}: tool message does not answer an open tool_call of the preceding assistant message");
                    }

                    CheckParts(content, path, ["text"], allowString: true, allowNull: false, errors);
                    break;
                default:
                    errors.Add($"{path}.role: '{role}' is not a chat role");
                    break;
            }

            previousRole = role ?? "";
        }

        if (openToolCalls.Count > 0)
        {
            errors.Add("messages: the last assistant tool_calls have no tool messages");
        }
    }

    private static void CheckParts(JsonElement content, string path, string[] partTypes, bool allowString, bool allowNull, List<string> errors)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.String when allowString:
                return;
            case JsonValueKind.Null or JsonValueKind.Undefined when allowNull:
                return;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var part in content.EnumerateArray())
                {
                    var partPath = $"{path}.content.{i++}";
                    var type = part.TryGetProperty("type", out var t) ? t.GetString() : null;
                    if (type is null || Array.IndexOf(partTypes, type) < 0)
                    {
                        errors.Add($"{partPath}.type: '{type}' not allowed here");
                        continue;
                    }

                    foreach (var p in part.EnumerateObject())
                    {
                        if (p.Name != "type" && p.Name != type)
                        {
                            errors.Add($"{partPath}.{p.Name}: unknown key");
                        }
                    }

                    switch (type)
                    {
                        case "text" when part.GetProperty("text").ValueKind != JsonValueKind.String:
                            errors.Add($"{partPath}.text: must be a string");
                            break;
                        case "image_url":
                            var url = part.GetProperty("image_url").GetProperty("url").GetString() ?? "";
                            if (!url.StartsWith("https://", StringComparison.Ordinal) && !url.StartsWith("http://", StringComparison.Ordinal)
                                && !url.StartsWith("data:image/", StringComparison.Ordinal))
                            {
                                errors.Add($"{partPath}.image_url.url: must be an http(s) or data:image URL");
                            }

                            break;
                        case "file":
                            var file = part.GetProperty("file");
                            if (!file.TryGetProperty("file_data", out var data) && !file.TryGetProperty("file_id", out _))
                            {
                                errors.Add($"{partPath}.file: file_data or file_id required");
                            }
                            else if (data.ValueKind == JsonValueKind.String && !data.GetString()!.StartsWith("data:", StringComparison.Ordinal))
                            {
                                errors.Add($"{partPath}.file.file_data: must be a data URL");
                            }

                            break;
                    }
                }

                return;
            default:
                errors.Add($"{path}.content: {content.ValueKind} not allowed here");
                return;
        }
    }

    private static void CheckResponseFormat(JsonElement format, List<string> errors)
    {
        var type = format.GetProperty("type").GetString();
        if (type is "text" or "json_object")
        {
            return;
        }

        if (type != "json_schema")
        {
            errors.Add("response_format.type: unknown");
            return;
        }

        var schema = format.GetProperty("json_schema");
        if (!FunctionName().IsMatch(schema.GetProperty("name").GetString() ?? ""))
        {
            errors.Add("response_format.json_schema.name: invalid");
        }

        if (!schema.TryGetProperty("schema", out var s) || s.ValueKind != JsonValueKind.Object)
        {
            errors.Add("response_format.json_schema.schema: object required");
        }
    }
}
