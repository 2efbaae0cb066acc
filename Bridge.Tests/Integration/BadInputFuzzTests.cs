using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bridge.Tests.Infrastructure;

namespace Bridge.Tests.Integration;

/// <summary>
/// Mutations of the recorded Claude Code and SDK bodies (<see cref="BodyMutator"/>, fixed seeds) sent through the
/// real gateway to both kinds of backend, the fake upstreams answering validly: Bridge never answers 5xx for
/// them, never hangs, and every answer is in the client's own envelope.
/// </summary>
public sealed class BadInputFuzzTests : IClassFixture<MatrixFixture>
{
    private const int Seed = 20261207;
    private readonly MatrixFixture _fixture;

    public BadInputFuzzTests(MatrixFixture fixture)
    {
        _fixture = fixture;
        fixture.OpenAI.Handler = ValidOpenAIAnswer;
        fixture.Anthropic.Handler = ValidAnthropicAnswer;
    }

    public static TheoryData<string, string, int> Targets => new()
    {
        // path, model (backend), mutations
        { "/v1/messages", MatrixFixture.AnthropicModel, 320 },
        { "/v1/messages", MatrixFixture.OpenAIModel, 320 },
        { "/v1/messages/count_tokens", MatrixFixture.AnthropicModel, 60 },
        { "/v1/messages/count_tokens", MatrixFixture.OpenAIModel, 60 },
        { "/v1/chat/completions", MatrixFixture.AnthropicModel, 320 },
        { "/v1/chat/completions", MatrixFixture.OpenAIModel, 320 },
        { "/v1/responses", MatrixFixture.AnthropicModel, 200 },
        { "/v1/responses", MatrixFixture.OpenAIModel, 200 },
    };

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task MutatedRecordedBodies_NeverGet5xx_AndAlwaysGetTheClientsEnvelope(string path, string model, int count)
    {
        var bodies = RecordedBodies(path, model);
        Assert.NotEmpty(bodies);
        var mutator = new BodyMutator(Seed + path.Length * 31 + model.Length);
        using var client = _fixture.Gateway.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(20); // a hang fails the request, and so the test
        var anthropic = path.StartsWith("/v1/messages", StringComparison.Ordinal);
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        var clock = Stopwatch.StartNew();

        for (var i = 0; i < count; i++)
        {
            var mutation = mutator.Next(bodies[i % bodies.Count]);
            using var content = new ByteArrayContent(mutation.Body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await client.PostAsync(path, content);
            var body = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var problem = Problem(anthropic, path, response, body);
            if (problem is not null)
            {
                failures.Add($"#{i} {mutation.Kind}: {status} {problem}: {(body.Length > 300 ? body[..300] : body)}");
            }
        }

        Assert.True(failures.Count == 0,
            $"{failures.Count} of {count} answers were wrong ({string.Join(", ", statuses.Select(s => $"{s.Key}x{s.Value}"))}):\n" + string.Join("\n", failures.Take(25)));
        Assert.True(statuses.Keys.Any(s => s == 400), "no mutation was refused: the mutator is not mutating");
        Assert.True(statuses.Keys.Any(s => s == 200), "no mutation got through: the happy path is broken");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(40), $"took {clock.Elapsed}");
    }

    /// <summary>
    /// Exhaustive rather than random, on the small SDK bodies: every field and element in turn set to null, a
    /// string, a fraction and an object (what the random type swaps reach only by luck for nested fields such as
    /// <c>thinking.budget_tokens</c>).
    /// </summary>
    [Theory]
    [InlineData("/v1/messages", MatrixFixture.AnthropicModel)]
    [InlineData("/v1/messages", MatrixFixture.OpenAIModel)]
    [InlineData("/v1/chat/completions", MatrixFixture.AnthropicModel)]
    [InlineData("/v1/chat/completions", MatrixFixture.OpenAIModel)]
    public async Task EveryFieldOfTheSdkBodies_SwappedForAnotherType_NeverGets5xx(string path, string model)
    {
        var bodies = RecordedBodies(path, model).Where(b => b.Length < 4_000).ToList();
        Assert.NotEmpty(bodies);
        using var client = _fixture.Gateway.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(20);
        var anthropic = path.StartsWith("/v1/messages", StringComparison.Ordinal);
        JsonNode?[] replacements = [null, "text", 2.5, new JsonObject()];
        var failures = new List<string>();
        var sent = 0;
        foreach (var body in bodies)
        {
            foreach (var location in Locations(JsonNode.Parse(body)!, []))
            {
                foreach (var replacement in replacements)
                {
                    var root = JsonNode.Parse(body)!;
                    var parent = location[..^1].Aggregate(root, (node, step) => step is int i ? node[i]! : node[(string)step]!);
                    if (location[^1] is int index) parent[index] = replacement?.DeepClone();
                    else parent[(string)location[^1]] = replacement?.DeepClone();
                    using var content = new StringContent(root.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
                    using var response = await client.PostAsync(path, content);
                    var answer = await response.Content.ReadAsStringAsync();
                    sent++;
                    if (Problem(anthropic, path, response, answer) is { } problem)
                    {
                        failures.Add($"{string.Join(".", location)} = {replacement?.ToJsonString() ?? "null"}: {(int)response.StatusCode} {problem}: {(answer.Length > 200 ? answer[..200] : answer)}");
                    }
                }
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} answers were wrong:\n" + string.Join("\n", failures.Take(25)));
    }

    /// <summary>The path (keys and indices) of every node under <paramref name="node"/>, the model excepted.</summary>
    private static IEnumerable<object[]> Locations(JsonNode node, object[] prefix)
    {
        if (node is JsonObject obj)
        {
            foreach (var (key, child) in obj)
            {
                if (prefix.Length == 0 && key == "model") continue;
                object[] here = [.. prefix, key];
                yield return here;
                if (child is not null) foreach (var below in Locations(child, here)) yield return below;
            }
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                object[] here = [.. prefix, i];
                yield return here;
                if (array[i] is { } child) foreach (var below in Locations(child, here)) yield return below;
            }
        }
    }

    /// <summary>What is wrong with one answer, or null.</summary>
    private static string? Problem(bool anthropic, string path, HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        if (status >= 500) return "a 5xx";
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (status < 300 && mediaType == "text/event-stream")
        {
            return body.Contains(anthropic ? "event: message_start" : "data: {", StringComparison.Ordinal) ? null : "a stream without events";
        }
        JsonNode? json;
        try
        {
            json = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return "not JSON";
        }
        if (json is not JsonObject root) return "not a JSON object";
        if (status < 300)
        {
            if (path.EndsWith("/count_tokens", StringComparison.Ordinal)) return root["input_tokens"] is JsonValue ? null : "no input_tokens";
            if (path == "/v1/responses") return (string?)root["object"] == "response" ? null : "not a Responses object";
            return anthropic
                ? (string?)root["type"] == "message" ? null : "not an Anthropic message"
                : (string?)root["object"] == "chat.completion" ? null : "not a chat completion";
        }
        if (anthropic)
        {
            return (string?)root["type"] == "error" && root["error"] is JsonObject error
                   && error["type"] is JsonValue t && t.GetValueKind() == JsonValueKind.String
                   && error["message"] is JsonValue m && m.GetValueKind() == JsonValueKind.String
                ? null
                : "not Anthropic's error envelope";
        }
        return root["error"] is JsonObject e
               && e["message"] is JsonValue message && message.GetValueKind() == JsonValueKind.String
               && e["type"] is JsonValue type && type.GetValueKind() == JsonValueKind.String
               && e.ContainsKey("param") && e.ContainsKey("code")
            ? null
            : "not OpenAI's error envelope";
    }

    /// <summary>The recorded request bodies sent to <paramref name="path"/>, asking for <paramref name="model"/>.</summary>
    private static List<string> RecordedBodies(string path, string model)
    {
        if (path == "/v1/responses")
        {
            // Codex CLI's recorded requests: text, a tool call, a tool result.
            return new[] { "codex-text", "codex-tool-call", "codex-tool-result" }.Select(name =>
            {
                var codex = JsonNode.Parse(Fixtures.CodexRequest(name).GetRawText())!.AsObject();
                codex["model"] = model;
                return codex.ToJsonString();
            }).ToList();
        }
        string[] sessions = path == "/v1/chat/completions"
            ? ["sdk-openai"]
            : ["cc-alias-sonnet", "cc-apikey-haiku", "cc-effort-low", "cc-text-default", "cc-text-sonnet", "cc-tool-bash-sonnet", "cc-tool-read-default", "sdk-anthropic", "sdk-anthropic-0x"];
        var bodies = new List<string>();
        foreach (var session in sessions)
        {
            foreach (var exchange in Fixtures.Exchanges(session))
            {
                if (exchange.GetProperty("path").GetString() != path || exchange.GetProperty("body").ValueKind != JsonValueKind.Object) continue;
                var body = JsonNode.Parse(exchange.GetProperty("body").GetRawText())!.AsObject();
                body["model"] = model;
                bodies.Add(body.ToJsonString());
            }
        }
        return bodies;
    }

    private static bool WantsStream(string body)
    {
        try
        {
            return JsonNode.Parse(body) is JsonObject o && o["stream"] is JsonValue v && v.TryGetValue<bool>(out var stream) && stream;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static Task ValidOpenAIAnswer(Microsoft.AspNetCore.Http.HttpContext context, RecordedRequest request)
    {
        if (!IsJsonObject(request.Body)) return OpenAIResponses.WriteErrorAsync(context, 400, "We could not parse the JSON body of your request.");
        return WantsStream(request.Body)
            ? OpenAIResponses.WriteSseAsync(context,
            [
                OpenAIResponses.Chunk("""{"role":"assistant","content":"Hello"}"""),
                OpenAIResponses.Chunk("{}", "stop"),
                OpenAIResponses.UsageChunk(12, 5),
            ])
            : OpenAIResponses.WriteJsonAsync(context, OpenAIResponses.TextCompletion("Hello"));
    }

    private static Task ValidAnthropicAnswer(Microsoft.AspNetCore.Http.HttpContext context, RecordedRequest request)
    {
        if (!IsJsonObject(request.Body)) return AnthropicResponses.WriteErrorAsync(context, 400, "invalid_request_error", "There was an issue with the format of your request.");
        if (request.Path.EndsWith("/count_tokens", StringComparison.Ordinal)) return OpenAIResponses.WriteJsonAsync(context, """{"input_tokens":42}""");
        return WantsStream(request.Body)
            ? AnthropicResponses.WriteSseAsync(context, AnthropicResponses.StreamEvents("Hello", []))
            : OpenAIResponses.WriteJsonAsync(context, AnthropicResponses.TextMessage("Hello"));
    }

    private static bool IsJsonObject(string body)
    {
        try
        {
            return JsonNode.Parse(body) is JsonObject;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
