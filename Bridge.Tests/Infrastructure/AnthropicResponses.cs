using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Bridge.Tests.Infrastructure;

/// <summary>Upstream answers shaped like Anthropic's documented Messages responses and SSE events.</summary>
public static class AnthropicResponses
{
    public static string TextMessage(string text, string model = "claude-sonnet-4-5-20250929", int input = 12, int output = 5, string stopReason = "end_turn") =>
        JsonSerializer.Serialize(new
        {
            id = "msg_01XFDUDYJgAACzvnptvVoYEL",
            type = "message",
            role = "assistant",
            model,
            content = new object[] { new { type = "text", text } },
            stop_reason = stopReason,
            stop_sequence = (string?)null,
            usage = new { input_tokens = input, cache_creation_input_tokens = 0, cache_read_input_tokens = 0, output_tokens = output },
        });

    /// <summary>A streamed answer: optional text, then one tool_use block per (name, json) pair, as Anthropic streams them.</summary>
    public static List<(string Event, string Data)> StreamEvents(string? text, IReadOnlyList<(string Id, string Name, string Json)> tools, int input = 30, int output = 9, string? stopReason = null)
    {
        var events = new List<(string, string)>
        {
            ("message_start", """{"type":"message_start","message":{"id":"msg_014p7gG3wDgGV9EUtLvnow3U","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":""" + input + ""","cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1}}}"""),
            ("ping", """{"type": "ping"}"""),
        };
        var index = 0;
        void Add(string name, object data) => events.Add((name, JsonSerializer.Serialize(data)));
        if (text is not null)
        {
            Add("content_block_start", new { type = "content_block_start", index, content_block = new { type = "text", text = "" } });
            foreach (var piece in SplitInTwo(text))
            {
                Add("content_block_delta", new { type = "content_block_delta", index, delta = new { type = "text_delta", text = piece } });
            }
            Add("content_block_stop", new { type = "content_block_stop", index });
            index++;
        }
        foreach (var (id, name, json) in tools)
        {
            Add("content_block_start", new { type = "content_block_start", index, content_block = new { type = "tool_use", id, name, input = new { } } });
            Add("content_block_delta", new { type = "content_block_delta", index, delta = new { type = "input_json_delta", partial_json = "" } });
            foreach (var piece in SplitInTwo(json))
            {
                Add("content_block_delta", new { type = "content_block_delta", index, delta = new { type = "input_json_delta", partial_json = piece } });
            }
            Add("content_block_stop", new { type = "content_block_stop", index });
            index++;
        }
        var stop = stopReason ?? (tools.Count > 0 ? "tool_use" : "end_turn");
        Add("message_delta", new { type = "message_delta", delta = new { stop_reason = stop, stop_sequence = (string?)null }, usage = new { output_tokens = output } });
        Add("message_stop", new { type = "message_stop" });
        return events;
    }

    private static IEnumerable<string> SplitInTwo(string s) => s.Length < 2 ? [s] : [s[..(s.Length / 2)], s[(s.Length / 2)..]];

    public static async Task WriteSseAsync(HttpContext context, IEnumerable<(string Event, string Data)> events)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream; charset=utf-8";
        foreach (var (name, data) in events)
        {
            await context.Response.WriteAsync($"event: {name}\ndata: {data}\n\n");
            await context.Response.Body.FlushAsync();
        }
    }

    /// <summary>Writes a recorded SSE body (e.g. from a fixture) verbatim.</summary>
    public static async Task WriteRawSseAsync(HttpContext context, string body)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream; charset=utf-8";
        await context.Response.WriteAsync(body);
    }

    public static Task WriteErrorAsync(HttpContext context, int status, string type, string message, int? retryAfterSeconds = null)
    {
        if (retryAfterSeconds is { } ra) context.Response.Headers.RetryAfter = ra.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return OpenAIResponses.WriteJsonAsync(context, JsonSerializer.Serialize(new { type = "error", error = new { type, message } }), status);
    }
}
