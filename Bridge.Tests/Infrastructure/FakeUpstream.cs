using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bridge.Tests.Infrastructure;

/// <summary>A request as the fake upstream received it.</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// A real HTTP server on loopback standing in for Azure, OpenAI or Anthropic. Tests script its answers
/// with <see cref="Handler"/> and read what it received from <see cref="Requests"/>.
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeUpstream(WebApplication app) => _app = app;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Answers each request; the default returns a plain OpenAI chat completion.</summary>
    public Func<HttpContext, RecordedRequest, Task> Handler { get; set; } = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("hello"));

    public string BaseUrl { get; private set; } = "";

    public RecordedRequest LastRequest => Requests.Last();

    public static async Task<FakeUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeUpstream(app);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            var recorded = new RecordedRequest(context.Request.Method, context.Request.Path, context.Request.QueryString.Value ?? "", headers, body);
            fake.Requests.Enqueue(recorded);
            await fake.Handler(context, recorded);
        });
        await app.StartAsync();
        fake.BaseUrl = app.Urls.First().TrimEnd('/');
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2))) await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}

/// <summary>Upstream answers shaped like OpenAI's documented Chat Completions responses.</summary>
public static class OpenAIResponses
{
    public static string TextCompletion(string text, string finishReason = "stop", int promptTokens = 12, int completionTokens = 5, int cachedTokens = 0) =>
        $$$"""
        {"id":"chatcmpl-abc123","object":"chat.completion","created":1741569952,"model":"gpt-4.1-2025-04-14",
         "choices":[{"index":0,"message":{"role":"assistant","content":{{{System.Text.Json.JsonSerializer.Serialize(text)}}},"refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"{{{finishReason}}}"}],
         "usage":{"prompt_tokens":{{{promptTokens}}},"completion_tokens":{{{completionTokens}}},"total_tokens":{{{promptTokens + completionTokens}}},
                  "prompt_tokens_details":{"cached_tokens":{{{cachedTokens}}},"audio_tokens":0},
                  "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},
         "service_tier":"default"}
        """;

    /// <summary>
    /// One text answer, streamed (content, stop, usage chunks) when the request asked for a stream and whole otherwise.
    /// </summary>
    public static Task WriteTextAnswerAsync(HttpContext ctx, RecordedRequest request, string text, int promptTokens, int completionTokens) =>
        System.Text.Json.Nodes.JsonNode.Parse(request.Body)!["stream"]?.GetValue<bool>() == true
            ? WriteSseAsync(ctx,
            [
                Chunk($$"""{"role":"assistant","content":{{System.Text.Json.JsonSerializer.Serialize(text)}}}"""),
                Chunk("{}", "stop"),
                UsageChunk(promptTokens, completionTokens),
            ])
            : WriteJsonAsync(ctx, TextCompletion(text, promptTokens: promptTokens, completionTokens: completionTokens));

    public static string Chunk(string deltaJson, string? finishReason = null) =>
        """{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":"""
        + deltaJson + ""","logprobs":null,"finish_reason":""" + (finishReason is null ? "null" : "\"" + finishReason + "\"") + "}]}";

    public static string UsageChunk(int promptTokens, int completionTokens, int cachedTokens = 0) =>
        """{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":"""
        + promptTokens + ""","completion_tokens":""" + completionTokens + ""","total_tokens":""" + (promptTokens + completionTokens)
        + ""","prompt_tokens_details":{"cached_tokens":""" + cachedTokens + "}}}";

    public static async Task WriteJsonAsync(HttpContext context, string json, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    }

    /// <summary>Writes each payload as an SSE <c>data:</c> event, flushing after each, then <c>[DONE]</c>.</summary>
    public static async Task WriteSseAsync(HttpContext context, IEnumerable<string> payloads, bool done = true)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        foreach (var payload in payloads)
        {
            await context.Response.WriteAsync($"data: {payload}\n\n");
            await context.Response.Body.FlushAsync();
        }
        if (done) await context.Response.WriteAsync("data: [DONE]\n\n");
    }

    public static Task WriteErrorAsync(HttpContext context, int status, string message, string type = "invalid_request_error", int? retryAfterSeconds = null)
    {
        if (retryAfterSeconds is { } ra) context.Response.Headers.RetryAfter = ra.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return WriteJsonAsync(context, $$$"""{"error":{"message":{{{System.Text.Json.JsonSerializer.Serialize(message)}}},"type":"{{{type}}}","param":null,"code":null}}""", status);
    }
}
