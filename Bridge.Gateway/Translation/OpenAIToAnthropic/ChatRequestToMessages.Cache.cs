using Bridge.Gateway.Json;
using System.Text.Json;

namespace Bridge.Gateway.Translation.OpenAIToAnthropic;

// Cache breakpoints: the client's own cache_control (on a message, a content part or a tool, as LiteLLM accepts
// them) is carried to the block it becomes; injected ones are planned by CacheBreakpoints.
public static partial class ChatRequestToMessages
{
    /// <summary>The last block a message becomes: a content part (<c>-1</c>: its string content, or a tool message's result) or a tool call.</summary>
    private readonly record struct LastBlock(bool ToolCall, int Index);

    private sealed partial class State
    {
        /// <summary>Per message, the cache_control its last block gets (the client's message-level one, else an injected one).</summary>
        private TapeElement[]? _marks;
        private LastBlock[]? _lastBlocks;
        private TapeElement _lastToolMark;

        private void PlanCache(TapeElement[] list, TapeElement tools)
        {
            var roles = new string?[list.Length];
            var clientMarks = new int[list.Length];
            var messageLevel = false;
            for (var i = 0; i < list.Length; i++)
            {
                var message = list[i];
                roles[i] = message.GetProperty("role"u8).GetString();
                if (IsControl(message))
                {
                    clientMarks[i]++;
                    messageLevel = true;
                }
                if (message.TryGetProperty("content"u8, out var content) && content.ValueKind == JsonValueKind.Array)
                {
                    foreach (var part in content.EnumerateArray()) if (IsControl(part)) clientMarks[i]++;
                }
            }
            var toolMarks = 0;
            var hasTools = tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0 && !Dropped("tools");
            if (hasTools)
            {
                foreach (var tool in tools.EnumerateArray()) if (IsControl(tool)) toolMarks++;
            }

            var plan = CacheBreakpoints.Resolve(target, roles, clientMarks, toolMarks, hasTools);
            if (plan is null && !messageLevel) return;
            _lastToolMark = plan?.LastTool ?? default;
            _marks = plan?.Messages ?? new TapeElement[list.Length];
            _lastBlocks = new LastBlock[list.Length];
            for (var i = 0; i < list.Length; i++)
            {
                var own = OwnControl(list[i]);
                if (own.ValueKind == JsonValueKind.Object) _marks[i] = own;
                if (_marks[i].ValueKind == JsonValueKind.Object) _lastBlocks[i] = LastBlockOf(list[i], roles[i]);
            }
        }

        private static bool IsControl(TapeElement value) => OwnControl(value).ValueKind == JsonValueKind.Object;

        /// <summary>
        /// Which block a message's breakpoint lands on, following what the writers skip (empty text): the last tool
        /// call of an assistant message, a tool message's result, else the last content part that becomes a block.
        /// </summary>
        private static LastBlock LastBlockOf(TapeElement message, string? role)
        {
            if (role == "assistant" && message.TryGetProperty("tool_calls"u8, out var calls) && calls.ValueKind == JsonValueKind.Array
                && calls.GetArrayLength() > 0)
            {
                return new LastBlock(true, calls.GetArrayLength() - 1);
            }

            if (role == "tool" || !message.TryGetProperty("content"u8, out var content) || content.ValueKind != JsonValueKind.Array)
            {
                return new LastBlock(false, -1);
            }

            var last = -2; // no part becomes a block: nothing is marked
            var j = 0;
            foreach (var part in content.EnumerateArray())
            {
                if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type"u8, out var type)
                    && (!(type.ValueEquals("text"u8) || type.ValueEquals("refusal"u8))
                        || (part.TryGetProperty(type.ValueEquals("text"u8) ? "text"u8 : "refusal"u8, out var text)
                            && text.ValueKind == JsonValueKind.String && !text.IsEmptyString)))
                {
                    last = j;
                }

                j++;
            }

            return new LastBlock(false, last);
        }

        /// <summary>The cache_control for the block written from part <paramref name="part"/> (index <paramref name="j"/>, -1 for string content) of message <paramref name="message"/>.</summary>
        private TapeElement ControlFor(int message, int j, TapeElement part = default)
        {
            var own = OwnControl(part);
            if (own.ValueKind == JsonValueKind.Object)
            {
                return own;
            }

            return _marks is not null && _lastBlocks![message] == new LastBlock(false, j) ? _marks[message] : default;
        }

        private TapeElement ToolCallControl(int message, int j) =>
            _marks is not null && _lastBlocks![message] == new LastBlock(true, j) ? _marks[message] : default;

        /// <summary>A tool definition's cache_control: its own, or the default's mark on the last tool.</summary>
        private TapeElement ToolControl(TapeElement tool, bool last)
        {
            var own = OwnControl(tool);
            if (own.ValueKind == JsonValueKind.Object)
            {
                return own;
            }

            return last ? _lastToolMark : default;
        }

        private static TapeElement OwnControl(TapeElement part) =>
            part.ValueKind == JsonValueKind.Object && part.TryGetProperty("cache_control"u8, out var own) && own.ValueKind == JsonValueKind.Object ? own : default;

        private static void WriteControl(Utf8JsonWriter writer, TapeElement control)
        {
            if (control.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            writer.WritePropertyName("cache_control"u8);
            WriteRaw(writer, control);
        }
    }
}
