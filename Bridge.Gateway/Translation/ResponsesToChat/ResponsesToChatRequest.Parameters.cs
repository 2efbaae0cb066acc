using Bridge.Gateway.Json;
using System.Text.Json;

namespace Bridge.Gateway.Translation.ResponsesToChat;

// reasoning and text: effort, verbosity and the output format.
public static partial class ResponsesToChatRequest
{
    private sealed partial class State
    {
        private void WriteReasoning(Utf8JsonWriter writer, TapeElement reasoning)
        {
            if (IsAbsent(reasoning))
            {
                return;
            }

            if (reasoning.ValueKind != JsonValueKind.Object)
            {
                throw WrongType("reasoning", "an object");
            }

            // reasoning.summary has no Chat form (Chat returns no summaries); only the effort maps.
            if (!reasoning.TryGetProperty("effort"u8, out var effort) || effort.ValueKind == JsonValueKind.Null)
            {
                return;
            }

            if (effort.ValueKind != JsonValueKind.String)
            {
                throw WrongType("reasoning.effort", "a string");
            }

            // Only reasoning deployments take reasoning_effort; values (none, minimal, low, medium, high,
            // xhigh) are the same words in both APIs and are left for the deployment to judge.
            if (target.IsReasoningModel)
            {
                Emit(writer, "reasoning_effort", effort);
            }
        }

        private void WriteText(Utf8JsonWriter writer, TapeElement text)
        {
            if (IsAbsent(text))
            {
                return;
            }

            if (text.ValueKind != JsonValueKind.Object)
            {
                throw WrongType("text", "an object");
            }

            if (text.TryGetProperty("verbosity"u8, out var verbosity) && !IsAbsent(verbosity))
            {
                if (verbosity.ValueKind != JsonValueKind.String)
                {
                    throw WrongType("text.verbosity", "a string");
                }

                if (TakesVerbosity(target))
                {
                    Emit(writer, "verbosity", verbosity);
                }
            }

            if (!text.TryGetProperty("format"u8, out var format) || IsAbsent(format))
            {
                return;
            }

            if (format.ValueKind != JsonValueKind.Object)
            {
                throw WrongType("text.format", "an object");
            }

            if (!format.TryGetProperty("type"u8, out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw Invalid("text.format.type", "Missing required parameter: 'text.format.type'.");
            }

            if (type.ValueEquals("text"u8))
            {
                return; // Chat's default.
            }

            if (!Allowed("response_format") || !_written.Add("response_format"))
            {
                return;
            }

            if (type.ValueEquals("json_object"u8))
            {
                writer.WriteStartObject("response_format"u8);
                writer.WriteString("type"u8, "json_object"u8);
                writer.WriteEndObject();
                return;
            }

            if (!type.ValueEquals("json_schema"u8))
            {
                throw Invalid("text.format.type", $"Invalid value for 'text.format.type': '{type.GetString()}' (expected text, json_object or json_schema).");
            }

            // Responses puts name/schema/strict/description flat in format; Chat nests them in json_schema.
            if (!format.TryGetProperty("schema"u8, out var schema) || schema.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("text.format.schema", "Missing required parameter: 'text.format.schema'.");
            }

            writer.WriteStartObject("response_format"u8);
            writer.WriteString("type"u8, "json_schema"u8);
            writer.WriteStartObject("json_schema"u8);
            if (format.TryGetProperty("name"u8, out var name) && name.ValueKind == JsonValueKind.String)
            {
                writer.WritePropertyName("name"u8);
                WriteRaw(writer, name);
            }
            else
            {
                writer.WriteString("name"u8, "output"u8);
            }

            if (format.TryGetProperty("description"u8, out var description) && description.ValueKind == JsonValueKind.String)
            {
                writer.WritePropertyName("description"u8);
                WriteRaw(writer, description);
            }

            writer.WritePropertyName("schema"u8);
            WriteRaw(writer, schema);
            if (format.TryGetProperty("strict"u8, out var strict) && strict.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                writer.WriteBoolean("strict"u8, strict.ValueKind == JsonValueKind.True);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        /// <summary>
        /// <c>verbosity</c> is a GPT-5 family parameter; o-series and other deployments reject it. Decided
        /// on the deployment's model name, like <see cref="OpenAITarget.LooksLikeReasoningModel"/>.
        /// </summary>
        private static bool TakesVerbosity(OpenAITarget target)
        {
            if (!target.IsReasoningModel)
            {
                return false;
            }

            var name = target.Model.AsSpan().Trim();
            var slash = name.LastIndexOf('/');
            if (slash >= 0)
            {
                name = name[(slash + 1)..];
            }

            return name.StartsWith("gpt-5", StringComparison.OrdinalIgnoreCase);
        }
    }
}
