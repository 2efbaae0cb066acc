using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Bridge.Gateway.Upstream;

/// <summary>
/// The built-in <c>bridge/echo</c> demo provider: an in-process OpenAI Chat Completions server that
/// answers with the last user message. It lets a fresh install answer a request without any API key,
/// and it goes through the same translation and streaming path as a real upstream.
/// </summary>
public sealed class EchoHandler : HttpMessageHandler
{
    private const int MaxEchoChars = 2000;
    private static readonly TimeSpan ChunkDelay = TimeSpan.FromMilliseconds(5);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        string model;
        bool stream, includeUsage;
        string userText;
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "echo";
            stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
            includeUsage = root.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object
                && so.TryGetProperty("include_usage", out var iu) && iu.ValueKind == JsonValueKind.True;
            userText = LastUserText(root);
        }
        catch (JsonException)
        {
            return new HttpResponseMessage(HttpStatusCode.BadRequest)
            {
                Content = new StringContent("""{"error":{"message":"invalid JSON","type":"invalid_request_error","param":null,"code":null}}""", Encoding.UTF8, "application/json"),
            };
        }

        if (userText.Length > MaxEchoChars) userText = userText[..MaxEchoChars] + "...";
        var reply = $"Echo from Bridge (demo provider, no model behind it). You said: {userText}";
        var promptTokens = Math.Max(1, body.Length / 4);
        var words = reply.Split(' ');
        var id = "chatcmpl-echo" + Guid.NewGuid().ToString("N")[..16];
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        if (!stream)
        {
            var json = JsonSerializer.Serialize(new
            {
                id,
                @object = "chat.completion",
                created,
                model,
                choices = new[] { new { index = 0, message = new { role = "assistant", content = reply }, finish_reason = "stop" } },
                usage = new { prompt_tokens = promptTokens, completion_tokens = words.Length, total_tokens = promptTokens + words.Length },
            });
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        }

        var pipe = new Pipe();
        _ = Task.Run(async () =>
        {
            var writer = pipe.Writer;
            try
            {
                for (var i = 0; i < words.Length; i++)
                {
                    var piece = i == 0 ? words[i] : " " + words[i];
                    object delta = i == 0 ? new { role = "assistant", content = piece } : new { content = piece };
                    await WriteChunk(writer, new { id, @object = "chat.completion.chunk", created, model, choices = new[] { new { index = 0, delta, finish_reason = (string?)null } } }, cancellationToken);
                    await Task.Delay(ChunkDelay, cancellationToken);
                }
                await WriteChunk(writer, new { id, @object = "chat.completion.chunk", created, model, choices = new[] { new { index = 0, delta = new { }, finish_reason = "stop" } } }, cancellationToken);
                if (includeUsage)
                {
                    await WriteChunk(writer, new { id, @object = "chat.completion.chunk", created, model, choices = Array.Empty<object>(), usage = new { prompt_tokens = promptTokens, completion_tokens = words.Length, total_tokens = promptTokens + words.Length } }, cancellationToken);
                }
                await writer.WriteAsync("data: [DONE]\n\n"u8.ToArray(), cancellationToken);
                await writer.CompleteAsync();
            }
            catch (Exception ex)
            {
                await writer.CompleteAsync(ex);
            }
        }, CancellationToken.None);

        var content = new StreamContent(pipe.Reader.AsStream());
        content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    private static async ValueTask WriteChunk(PipeWriter writer, object chunk, CancellationToken ct)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(chunk);
        writer.Write("data: "u8);
        writer.Write(bytes);
        writer.Write("\n\n"u8);
        await writer.FlushAsync(ct);
    }

    private static string LastUserText(JsonElement root)
    {
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array) return "";
        for (var i = messages.GetArrayLength() - 1; i >= 0; i--)
        {
            var message = messages[i];
            if (!message.TryGetProperty("role", out var role) || role.GetString() is not ("user" or "tool")) continue;
            if (!message.TryGetProperty("content", out var content)) return "";
            if (content.ValueKind == JsonValueKind.String) return content.GetString()!;
            if (content.ValueKind != JsonValueKind.Array) return "";
            var sb = new StringBuilder();
            foreach (var part in content.EnumerateArray())
            {
                if (part.TryGetProperty("type", out var t) && t.GetString() == "text" && part.TryGetProperty("text", out var text))
                {
                    if (sb.Length > 0) sb.Append(' ');
                    sb.Append(text.GetString());
                }
                else if (part.TryGetProperty("type", out var t2) && t2.GetString() == "image_url")
                {
                    if (sb.Length > 0) sb.Append(' ');
                    sb.Append("[an image]");
                }
            }
            return sb.ToString();
        }
        return "";
    }
}
