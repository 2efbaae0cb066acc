using System.Text.Json;
using System.Text.RegularExpressions;

namespace Bridge.Tests.Translation.OpenAIToAnthropic;

/// <summary>
/// Strict check of an Anthropic Messages request body (POST /v1/messages) against Anthropic's API
/// reference and its documented request rules. Returns every violation found, empty when valid.
/// </summary>
internal static partial class AnthropicMessagesRequestValidator
{
    private static readonly HashSet<string> TopLevelKeys =
    [
        "model", "messages", "max_tokens", "system", "metadata", "stop_sequences", "stream", "temperature", "top_p",
        "top_k", "tools", "tool_choice", "thinking", "service_tier", "container", "mcp_servers", "context_management",
        "output_config", "inference_geo",
    ];

    // OpenAI request vocabulary that must not survive translation (outside schemas and tool inputs).
    private static readonly HashSet<string> OpenAIOnlyKeys =
    [
        "tool_calls", "tool_call_id", "function", "image_url", "input_audio", "file_data", "stream_options",
        "max_completion_tokens", "n", "response_format", "reasoning_effort", "parallel_tool_calls", "logprobs",
        "top_logprobs", "logit_bias", "frequency_penalty", "presence_penalty", "seed", "user", "stop", "refusal",
        "reasoning_content",
    ];

    private static readonly HashSet<string> ImageMediaTypes = ["image/jpeg", "image/png", "image/gif", "image/webp"];

    [GeneratedRegex("^[a-zA-Z0-9_-]+$")]
    private static partial Regex ToolId();

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex ToolName();

    public static List<string> Validate(JsonElement body)
    {
        var errors = new List<string>();
        if (body.ValueKind != JsonValueKind.Object)
        {
            return ["body: not an object"];
        }

        foreach (var property in body.EnumerateObject())
        {
            if (!TopLevelKeys.Contains(property.Name))
            {
                errors.Add($"unknown top-level key '{property.Name}'");
            }
        }

        CheckOpenAIKeys(body, "", errors);

        if (!body.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String || model.GetString()!.Length == 0)
        {
            errors.Add("model: missing");
        }

        var maxTokens = 0;
        if (!body.TryGetProperty("max_tokens", out var max) || max.ValueKind != JsonValueKind.Number || !max.TryGetInt32(out maxTokens) || maxTokens < 1)
        {
            errors.Add("max_tokens: required positive integer");
        }

        CheckSystem(body, errors);
        CheckMessages(body, errors);
        var toolNames = CheckTools(body, errors);
        CheckToolChoice(body, toolNames, errors);
        CheckSampling(body, maxTokens, errors);

        if (body.TryGetProperty("stop_sequences", out var stops))
        {
            if (stops.ValueKind != JsonValueKind.Array || stops.EnumerateArray().Any(s => s.ValueKind != JsonValueKind.String || s.GetString()!.Length == 0))
            {
                errors.Add("stop_sequences: must be an array of non-empty strings");
            }
        }

        if (body.TryGetProperty("metadata", out var metadata))
        {
            if (metadata.ValueKind != JsonValueKind.Object || metadata.EnumerateObject().Any(p => p.Name != "user_id")
                || (metadata.TryGetProperty("user_id", out var uid) && uid.ValueKind != JsonValueKind.String))
            {
                errors.Add("metadata: only a string user_id is allowed");
            }
        }

        if (body.TryGetProperty("stream", out var stream) && stream.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            errors.Add("stream: must be a boolean");
        }

        if (body.TryGetProperty("output_config", out var outputConfig))
        {
            if (outputConfig.ValueKind != JsonValueKind.Object)
            {
                errors.Add("output_config: must be an object");
            }
            else if (outputConfig.TryGetProperty("format", out var format)
                && (format.ValueKind != JsonValueKind.Object || format.GetProperty("type").GetString() != "json_schema"
                    || !format.TryGetProperty("schema", out var s) || s.ValueKind != JsonValueKind.Object
                    || format.EnumerateObject().Any(p => p.Name is not ("type" or "schema"))))
            {
                errors.Add("output_config.format: must be {type: json_schema, schema: {...}}");
            }
        }

        return errors;
    }

    private static void CheckOpenAIKeys(JsonElement element, string path, List<string> errors)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (OpenAIOnlyKeys.Contains(property.Name))
                {
                    errors.Add($"{path}.{property.Name}: OpenAI-only key");
                }

                // Schemas and tool inputs are user data: any key is legitimate there.
                if (property.Name is not ("input_schema" or "schema" or "input"))
                {
                    CheckOpenAIKeys(property.Value, $"{path}.{property.Name}", errors);
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in element.EnumerateArray())
            {
                CheckOpenAIKeys(item, $"{path}[{i++}]", errors);
            }
        }
    }

    private static void CheckSystem(JsonElement body, List<string> errors)
    {
        if (!body.TryGetProperty("system", out var system))
        {
            return;
        }

        if (system.ValueKind == JsonValueKind.String)
        {
            return;
        }

        if (system.ValueKind != JsonValueKind.Array || system.GetArrayLength() == 0)
        {
            errors.Add("system: must be a string or a non-empty array of text blocks");
            return;
        }

        foreach (var block in system.EnumerateArray())
        {
            CheckTextBlock(block, "system", errors);
        }
    }

    private static void CheckTextBlock(JsonElement block, string path, List<string> errors)
    {
        if (block.ValueKind != JsonValueKind.Object || !block.TryGetProperty("type", out var t) || t.GetString() != "text"
            || !block.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String || text.GetString()!.Length == 0
            || block.EnumerateObject().Any(p => p.Name is not ("type" or "text" or "cache_control" or "citations")))
        {
            errors.Add($"{path}: invalid text block (non-empty text required, only type/text/cache_control/citations)");
        }
    }

    private static void CheckMessages(JsonElement body, List<string> errors)
    {
        if (!body.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            errors.Add("messages: required non-empty array");
            return;
        }

        var expected = "user";
        HashSet<string> previousToolUses = [];
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var path = $"messages[{index++}]";
            if (message.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{path}: not an object");
                continue;
            }

            foreach (var property in message.EnumerateObject())
            {
                if (property.Name is not ("role" or "content"))
                {
                    errors.Add($"{path}.{property.Name}: unknown message key");
                }
            }

            var role = message.TryGetProperty("role", out var r) ? r.GetString() : null;
            if (role is not ("user" or "assistant"))
            {
                errors.Add($"{path}.role: must be user or assistant, got '{role}'");
                continue;
            }

            if (role != expected)
            {
                errors.Add($"{path}.role: roles must alternate starting with user (expected {expected})");
            }

            expected = role == "user" ? "assistant" : "user";
            if (!message.TryGetProperty("content", out var content))
            {
                errors.Add($"{path}.content: missing");
                continue;
            }

            if (content.ValueKind == JsonValueKind.String)
            {
                if (content.GetString()!.Length == 0)
                {
                    errors.Add($"{path}.content: empty");
                }

                if (role == "user" && previousToolUses.Count > 0)
                {
                    errors.Add($"{path}: tool_use ids without tool_result: {string.Join(",", previousToolUses)}");
                }

                previousToolUses = [];
                continue;
            }

            if (content.ValueKind != JsonValueKind.Array || content.GetArrayLength() == 0)
            {
                errors.Add($"{path}.content: must be a string or a non-empty array");
                continue;
            }

            if (role == "user")
            {
                CheckUserContent(content, path, previousToolUses, errors);
                previousToolUses = [];
            }
            else
            {
                previousToolUses = CheckAssistantContent(content, path, errors);
            }
        }

        if (previousToolUses.Count > 0)
        {
            errors.Add($"messages: last assistant turn has unanswered tool_use ids {string.Join(",", previousToolUses)}");
        }
    }

    private static void CheckUserContent(JsonElement content, string path, HashSet<string> toolUses, List<string> errors)
    {
        var seenOther = false;
        var i = 0;
        var answered = new HashSet<string>();
        foreach (var block in content.EnumerateArray())
        {
            var blockPath = $"{path}.content[{i++}]";
            var type = block.TryGetProperty("type", out var t) ? t.GetString() : null;
            switch (type)
            {
                case "tool_result":
                    if (seenOther)
                    {
                        errors.Add($"{blockPath}: tool_result must come before other content");
                    }

                    var id = block.TryGetProperty("tool_use_id", out var idElement) ? idElement.GetString() : null;
                    if (id is null || !ToolId().IsMatch(id))
                    {
                        errors.Add($"{blockPath}.tool_use_id: invalid '{id}'");
                    }
                    else if (!toolUses.Contains(id))
                    {
                        errors.Add($"{blockPath}.tool_use_id: '{id}' is not a tool_use of the previous assistant turn");
                    }
                    else
                    {
                        answered.Add(id);
                    }

                    foreach (var property in block.EnumerateObject())
                    {
                        if (property.Name is not ("type" or "tool_use_id" or "content" or "is_error" or "cache_control"))
                        {
                            errors.Add($"{blockPath}.{property.Name}: unknown tool_result key");
                        }
                    }

                    if (block.TryGetProperty("content", out var resultContent))
                    {
                        if (resultContent.ValueKind == JsonValueKind.Array)
                        {
                            var k = 0;
                            foreach (var inner in resultContent.EnumerateArray())
                            {
                                if (inner.GetProperty("type").GetString() == "text")
                                {
                                    CheckTextBlock(inner, $"{blockPath}.content[{k}]", errors);
                                }
                                else if (inner.GetProperty("type").GetString() == "image")
                                {
                                    CheckImage(inner, $"{blockPath}.content[{k}]", errors);
                                }
                                else
                                {
                                    errors.Add($"{blockPath}.content[{k}]: tool_result content must be text or image");
                                }

                                k++;
                            }
                        }
                        else if (resultContent.ValueKind != JsonValueKind.String)
                        {
                            errors.Add($"{blockPath}.content: must be a string or an array");
                        }
                    }

                    break;
                case "text":
                    seenOther = true;
                    CheckTextBlock(block, blockPath, errors);
                    break;
                case "image":
                    seenOther = true;
                    CheckImage(block, blockPath, errors);
                    break;
                case "document":
                    seenOther = true;
                    CheckDocument(block, blockPath, errors);
                    break;
                default:
                    errors.Add($"{blockPath}: block type '{type}' not allowed in a user turn");
                    break;
            }
        }

        foreach (var id in toolUses)
        {
            if (!answered.Contains(id))
            {
                errors.Add($"{path}: tool_use '{id}' of the previous assistant turn has no tool_result");
            }
        }
    }

    private static void CheckImage(JsonElement block, string path, List<string> errors)
    {
        if (!block.TryGetProperty("source", out var source) || source.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{path}.source: missing");
            return;
        }

        switch (source.TryGetProperty("type", out var t) ? t.GetString() : null)
        {
            case "base64":
                if (!ImageMediaTypes.Contains(source.GetProperty("media_type").GetString()!)
                    || source.GetProperty("data").GetString() is not { Length: > 0 }
                    || source.EnumerateObject().Count() != 3)
                {
                    errors.Add($"{path}.source: invalid base64 image source");
                }

                break;
            case "url":
                if (source.GetProperty("url").GetString() is not { } url || !url.StartsWith("http", StringComparison.Ordinal)
                    || source.EnumerateObject().Count() != 2)
                {
                    errors.Add($"{path}.source: invalid url image source");
                }

                break;
            default:
                errors.Add($"{path}.source.type: must be base64 or url");
                break;
        }
    }

    private static void CheckDocument(JsonElement block, string path, List<string> errors)
    {
        if (!block.TryGetProperty("source", out var source) || source.ValueKind != JsonValueKind.Object
            || source.GetProperty("type").GetString() != "base64" || source.GetProperty("media_type").GetString() != "application/pdf"
            || source.GetProperty("data").GetString() is not { Length: > 0 })
        {
            errors.Add($"{path}.source: must be a base64 application/pdf source");
        }

        foreach (var property in block.EnumerateObject())
        {
            if (property.Name is not ("type" or "source" or "title" or "context" or "citations" or "cache_control"))
            {
                errors.Add($"{path}.{property.Name}: unknown document key");
            }
        }
    }

    private static HashSet<string> CheckAssistantContent(JsonElement content, string path, List<string> errors)
    {
        var toolUses = new HashSet<string>();
        var thinkingBlocks = 0;
        var i = 0;
        foreach (var block in content.EnumerateArray())
        {
            var blockPath = $"{path}.content[{i++}]";
            var type = block.TryGetProperty("type", out var t) ? t.GetString() : null;
            switch (type)
            {
                case "text":
                    CheckTextBlock(block, blockPath, errors);
                    break;
                case "tool_use":
                    var id = block.GetProperty("id").GetString();
                    if (id is null || !ToolId().IsMatch(id))
                    {
                        errors.Add($"{blockPath}.id: invalid '{id}'");
                    }
                    else if (!toolUses.Add(id))
                    {
                        errors.Add($"{blockPath}.id: duplicate '{id}'");
                    }

                    if (!ToolName().IsMatch(block.GetProperty("name").GetString() ?? ""))
                    {
                        errors.Add($"{blockPath}.name: invalid");
                    }

                    if (!block.TryGetProperty("input", out var input) || input.ValueKind != JsonValueKind.Object)
                    {
                        errors.Add($"{blockPath}.input: must be an object");
                    }

                    if (block.EnumerateObject().Any(p => p.Name is not ("type" or "id" or "name" or "input" or "cache_control")))
                    {
                        errors.Add($"{blockPath}: unknown tool_use key");
                    }

                    break;
                case "thinking" or "redacted_thinking":
                    // Anthropic: a turn with thinking opens with it (interleaved thinking may follow tool calls),
                    // and the blocks go back with their signature (or data) unchanged.
                    if (thinkingBlocks++ == 0 && i != 1)
                    {
                        errors.Add($"{blockPath}: a turn with thinking must open with a thinking block");
                    }

                    var (key, keys) = type == "thinking" ? ("signature", new[] { "type", "thinking", "signature" }) : ("data", new[] { "type", "data" });
                    if (block.TryGetProperty(key, out var opaque) ? opaque.GetString() is not { Length: > 0 } : true)
                    {
                        errors.Add($"{blockPath}.{key}: must be a non-empty string");
                    }

                    if (type == "thinking" && (!block.TryGetProperty("thinking", out var text) || text.ValueKind != JsonValueKind.String))
                    {
                        errors.Add($"{blockPath}.thinking: must be a string");
                    }

                    if (block.EnumerateObject().Any(p => Array.IndexOf(keys, p.Name) < 0))
                    {
                        errors.Add($"{blockPath}: unknown {type} key");
                    }

                    break;
                default:
                    errors.Add($"{blockPath}: block type '{type}' not expected in a translated assistant turn");
                    break;
            }
        }

        return toolUses;
    }

    private static HashSet<string> CheckTools(JsonElement body, List<string> errors)
    {
        var names = new HashSet<string>();
        if (!body.TryGetProperty("tools", out var tools))
        {
            return names;
        }

        if (tools.ValueKind != JsonValueKind.Array)
        {
            errors.Add("tools: must be an array");
            return names;
        }

        var i = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var path = $"tools[{i++}]";
            if (tool.TryGetProperty("type", out var serverType) && serverType.GetString() is { } st && st != "custom")
            {
                // Server tools: Anthropic's web search is the only one translators write.
                if (st != "web_search_20250305" || tool.GetProperty("name").GetString() != "web_search")
                {
                    errors.Add($"{path}: unknown server tool '{st}'");
                }

                if (tool.EnumerateObject().Any(p => p.Name is not ("type" or "name" or "max_uses" or "allowed_domains" or "blocked_domains" or "user_location" or "cache_control")))
                {
                    errors.Add($"{path}: unknown web search tool key");
                }

                names.Add("web_search");
                continue;
            }

            foreach (var property in tool.EnumerateObject())
            {
                if (property.Name is not ("name" or "description" or "input_schema" or "cache_control" or "strict" or "type"))
                {
                    errors.Add($"{path}.{property.Name}: unknown tool key");
                }
            }

            var name = tool.TryGetProperty("name", out var n) ? n.GetString() : null;
            if (name is null || !ToolName().IsMatch(name))
            {
                errors.Add($"{path}.name: invalid '{name}'");
            }
            else
            {
                names.Add(name);
            }

            if (!tool.TryGetProperty("input_schema", out var schema) || schema.ValueKind != JsonValueKind.Object
                || !schema.TryGetProperty("type", out var schemaType) || schemaType.GetString() != "object")
            {
                errors.Add($"{path}.input_schema: must be an object schema with type 'object'");
            }
        }

        return names;
    }

    private static void CheckToolChoice(JsonElement body, HashSet<string> toolNames, List<string> errors)
    {
        if (!body.TryGetProperty("tool_choice", out var choice))
        {
            return;
        }

        if (!body.TryGetProperty("tools", out _))
        {
            errors.Add("tool_choice: sent without tools");
        }

        var type = choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (type is not ("auto" or "any" or "tool" or "none"))
        {
            errors.Add($"tool_choice.type: invalid '{type}'");
            return;
        }

        foreach (var property in choice.EnumerateObject())
        {
            var allowed = property.Name switch
            {
                "type" => true,
                "name" => type == "tool",
                "disable_parallel_tool_use" => type != "none" && property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False,
                _ => false,
            };
            if (!allowed)
            {
                errors.Add($"tool_choice.{property.Name}: not allowed for type '{type}'");
            }
        }

        if (type == "tool" && (!choice.TryGetProperty("name", out var name) || !toolNames.Contains(name.GetString()!)))
        {
            errors.Add("tool_choice.name: must name one of the tools");
        }
    }

    private static void CheckSampling(JsonElement body, int maxTokens, List<string> errors)
    {
        var hasTemperature = body.TryGetProperty("temperature", out var temperature);
        var hasTopP = body.TryGetProperty("top_p", out var topP);
        if (hasTemperature && (temperature.ValueKind != JsonValueKind.Number || temperature.GetDouble() is < 0 or > 1))
        {
            errors.Add("temperature: must be a number in 0..1");
        }

        if (hasTopP && (topP.ValueKind != JsonValueKind.Number || topP.GetDouble() is < 0 or > 1))
        {
            errors.Add("top_p: must be a number in 0..1");
        }

        if (hasTemperature && hasTopP)
        {
            errors.Add("temperature and top_p: recent models reject both together");
        }

        if (!body.TryGetProperty("thinking", out var thinking))
        {
            return;
        }

        var type = thinking.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (type == "enabled")
        {
            if (!thinking.TryGetProperty("budget_tokens", out var budget) || !budget.TryGetInt32(out var b) || b < 1024 || b >= maxTokens)
            {
                errors.Add("thinking.budget_tokens: must be >= 1024 and < max_tokens");
            }

            if (hasTemperature || hasTopP || body.TryGetProperty("top_k", out _))
            {
                errors.Add("thinking: temperature/top_p/top_k are not compatible with thinking");
            }
        }
        else if (type is not ("disabled" or "adaptive"))
        {
            errors.Add($"thinking.type: invalid '{type}'");
        }
    }
}
