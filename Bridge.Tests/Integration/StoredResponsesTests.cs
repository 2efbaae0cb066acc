#pragma warning disable OPENAI001 // the Responses client is marked experimental in the SDK
using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Bridge.Tests.Infrastructure;
using OpenAI.Responses;
using StackExchange.Redis;
using static Bridge.Tests.Translation.AnthropicToResponses.ResponsesVendorExamples;

namespace Bridge.Tests.Integration;

/// <summary>
/// <c>store</c> and <c>previous_response_id</c> through the real gateway and a real Redis-compatible server (Garnet):
/// the official OpenAI .NET SDK continues a conversation on each kind of deployment, reads and deletes stored answers,
/// and another key never sees them.
/// </summary>
public sealed class StoredResponsesTests : IAsyncLifetime
{
    private readonly GarnetInstance _garnet = new();
    private FakeUpstream _upstream = null!;
    private GatewayHost _gateway = null!;
    private ConnectionMultiplexer _redis = null!;
    private int _answers;

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync();
        _gateway = await GatewayHost.StartAsync($$"""
            model_list:
              - model_name: chat-model
                litellm_params: { model: openai/gpt-4o, api_base: {{_upstream.BaseUrl}}/v1, api_key: sk-up }
              - model_name: claude-model
                litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: {{_upstream.BaseUrl}}, api_key: sk-up }
              - model_name: responses-model
                litellm_params: { model: openai/responses/gpt-5.5, api_base: {{_upstream.BaseUrl}}/v1, api_key: sk-up }
            general_settings:
              master_key: {{GatewayHost.MasterKey}}
            """, new Dictionary<string, string?> { ["ConnectionStrings:redis"] = _garnet.ConnectionString });
        _redis = await ConnectionMultiplexer.ConnectAsync(_garnet.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        await _redis.DisposeAsync();
        _garnet.Dispose();
    }

    private ResponsesClient Sdk(string key = GatewayHost.MasterKey) =>
        new(new ApiKeyCredential(key), new ResponsesClientOptions { Endpoint = new Uri(_gateway.BaseUrl + "/v1") });

    /// <summary>Every upstream answers <paramref name="text"/> in its own protocol; Responses answers get fresh ids.</summary>
    private void Answer(string text, string? reasoningItem = null)
    {
        _upstream.Handler = (ctx, request) =>
        {
            var stream = request.Body.Contains("\"stream\":true", StringComparison.Ordinal);
            var quoted = JsonValue.Create(text).ToJsonString();
            if (request.Path == "/v1/messages")
            {
                return stream
                    ? AnthropicResponses.WriteSseAsync(ctx, AnthropicResponses.StreamEvents(text, []))
                    : OpenAIResponses.WriteJsonAsync(ctx, AnthropicResponses.TextMessage(text));
            }
            if (request.Path == "/v1/responses")
            {
                var id = "resp_stored" + Interlocked.Increment(ref _answers);
                var completed = Shaped(JsonNode.Parse(Completed)!, "response", id, text, reasoningItem);
                var whole = Shaped(JsonNode.Parse(ResponseObject)!, null, id, text, reasoningItem);
                return stream
                    ? OpenAIResponses.WriteSseAsync(ctx, [Created, MessageAdded, TextDelta.Replace("\"In\"", quoted), MessageDone, completed], done: false)
                    : OpenAIResponses.WriteJsonAsync(ctx, whole);
            }
            return stream
                ? OpenAIResponses.WriteSseAsync(ctx, [OpenAIResponses.Chunk($$"""{"role":"assistant","content":{{quoted}}}"""), OpenAIResponses.Chunk("{}", "stop"), OpenAIResponses.UsageChunk(20, 4)])
                : OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion(text));
        };
    }

    /// <summary>A vendor example's response object with this answer's id, text and (optionally) a reasoning item first.</summary>
    private static string Shaped(JsonNode example, string? responseProperty, string id, string text, string? reasoningItem)
    {
        var response = responseProperty is null ? example : example[responseProperty]!;
        response["id"] = id;
        response["output"]![0]!["content"]![0]!["text"] = text;
        if (reasoningItem is not null) response["output"]!.AsArray().Insert(0, JsonNode.Parse(reasoningItem));
        return example.ToJsonString();
    }

    private static CreateResponseOptions Ask(string model, string text, bool stream, string? previous = null)
    {
        var options = new CreateResponseOptions { Model = model, StreamingEnabled = stream, PreviousResponseId = previous };
        options.InputItems.Add(ResponseItem.CreateUserMessageItem(text));
        return options;
    }

    private static async Task<ResponseResult> SendAsync(ResponsesClient client, CreateResponseOptions options)
    {
        if (options.StreamingEnabled != true) return await client.CreateResponseAsync(options);
        ResponseResult? completed = null;
        await foreach (var update in await client.CreateResponseStreamingAsync(options))
        {
            if (update is StreamingResponseCompletedUpdate done) completed = done.Response;
        }
        return completed ?? throw new InvalidOperationException("the stream never completed");
    }

    [Theory]
    [InlineData("chat-model", false)]
    [InlineData("chat-model", true)]
    [InlineData("claude-model", false)]
    [InlineData("claude-model", true)]
    [InlineData("responses-model", false)]
    [InlineData("responses-model", true)]
    public async Task Sdk_ContinuesAConversation_OnEveryKindOfDeployment(string model, bool stream)
    {
        var sdk = Sdk();
        Answer("Hello Ada, nice to meet you.");
        var first = await SendAsync(sdk, Ask(model, "My name is Ada.", stream));
        Answer("Your name is Ada.");
        var second = await SendAsync(sdk, Ask(model, "What is my name?", stream, previous: first.Id));
        Answer("You asked me your name.");
        // Continued at once, as a client does after reading the end of the stream.
        var third = await SendAsync(sdk, Ask(model, "What did I just ask?", stream, previous: second.Id));

        Assert.Equal("You asked me your name.", third.GetOutputText());
        var sent = _upstream.LastRequest.Body;
        // The whole conversation, in order, reached the upstream in its own protocol.
        var order = new[] { "My name is Ada.", "Hello Ada, nice to meet you.", "What is my name?", "Your name is Ada.", "What did I just ask?" }
            .Select(text => sent.IndexOf(text, StringComparison.Ordinal)).ToArray();
        Assert.All(order, at => Assert.True(at >= 0, sent));
        Assert.Equal(order.Order(), order);
        Assert.DoesNotContain("previous_response_id", sent);
        if (model == "responses-model")
        {
            // Bridge keeps the state: the upstream keeps nothing and returns its reasoning sealed for the next turn.
            var body = JsonNode.Parse(sent)!;
            Assert.False((bool)body["store"]!);
            Assert.Contains("reasoning.encrypted_content", body["include"]!.AsArray().Select(x => (string?)x));
        }
    }

    [Fact]
    public async Task Sdk_ReadsAndDeletesAStoredResponse()
    {
        var sdk = Sdk();
        Answer("Stored answer.");
        var first = await SendAsync(sdk, Ask("chat-model", "Keep this.", stream: false));

        ResponseResult read = await sdk.GetResponseAsync(first.Id);
        Assert.Equal(first.Id, read.Id);
        Assert.Equal("Stored answer.", read.GetOutputText());
        Assert.True(await _redis.GetDatabase().KeyTimeToLiveAsync("bridge:response:" + first.Id) is { } ttl && ttl > TimeSpan.FromMinutes(59));

        ResponseDeletionResult deleted = await sdk.DeleteResponseAsync(first.Id);
        Assert.True(deleted.Deleted);
        var gone = await Assert.ThrowsAsync<ClientResultException>(() => sdk.GetResponseAsync(first.Id));
        Assert.Equal(404, gone.Status);

        using var client = _gateway.CreateClient();
        using var again = await client.PostAsync("/v1/responses", Json($$"""{"model":"chat-model","input":"More?","previous_response_id":"{{first.Id}}"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        var error = JsonNode.Parse(await again.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("previous_response_id", (string?)error["param"]);
        Assert.Contains(first.Id, (string?)error["message"]);
    }

    [Theory]
    [InlineData("chat-model")]
    [InlineData("responses-model")]
    public async Task Sdk_ListsTheInputItems_OfAConversation_PageByPage(string model)
    {
        var sdk = Sdk();
        Answer("Hello Ada, nice to meet you.");
        var first = await SendAsync(sdk, Ask(model, "My name is Ada.", stream: false));
        Answer("Your name is Ada.");
        var second = await SendAsync(sdk, Ask(model, "What is my name?", stream: true, previous: first.Id));
        Answer("Not asked yet.");
        var third = await SendAsync(sdk, Ask(model, "What did I just ask?", stream: false, previous: second.Id));

        // The SDK follows the pages (two items each) through has_more and last_id; newest first by default.
        var items = new List<ResponseItem>();
        await foreach (var item in sdk.GetResponseInputItemsAsync(new ResponseItemCollectionOptions(third.Id) { PageSizeLimit = 2 })) items.Add(item);

        var texts = items.Select(item => Assert.IsAssignableFrom<MessageResponseItem>(item).Content.Single().Text).ToArray();
        Assert.Equal(["What did I just ask?", "Your name is Ada.", "What is my name?", "Hello Ada, nice to meet you.", "My name is Ada."], texts);
        Assert.Equal(texts.Length, items.Select(item => item.Id).Distinct().Count());
        Assert.All(items, item => Assert.False(string.IsNullOrEmpty(item.Id)));
        // What the third answer said is not among what it was generated from.
        Assert.DoesNotContain("Not asked yet.", texts);
    }

    [Fact]
    public async Task InputItems_OrderCursorsAndLimits_AsOpenAIDocumentsThem()
    {
        using var client = _gateway.CreateClient();
        Answer("One answered.");
        var first = JsonNode.Parse(await (await client.PostAsync("/v1/responses",
            Json("""{"model":"chat-model","input":[{"role":"user","content":"Un café, s'il vous plaît."},{"type":"message","role":"user","content":[{"type":"input_text","text":"Two"}]}]}"""))).Content.ReadAsStringAsync())!;
        Answer("Three answered.");
        var second = JsonNode.Parse(await (await client.PostAsync("/v1/responses",
            Json($$"""{"model":"chat-model","input":"Three","previous_response_id":"{{first["id"]}}"}"""))).Content.ReadAsStringAsync())!;
        var path = $"/v1/responses/{second["id"]}/input_items";

        var all = JsonNode.Parse(await client.GetStringAsync(path + "?order=asc"))!;
        Assert.Equal("list", (string?)all["object"]);
        var data = all["data"]!.AsArray();
        Assert.Equal(4, data.Count); // first's two inputs, its answer, then second's own input
        // The short form a client may send comes back as OpenAI lists it: a typed message with content parts.
        Assert.Equal("""{"type":"message","role":"user","content":[{"type":"input_text","text":"Un café, s'il vous plaît."}]}""",
            new JsonObject(data[0]!.AsObject().Where(p => p.Key != "id").Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))).ToJsonString(new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        Assert.Equal("Two", (string?)data[1]!["content"]![0]!["text"]);
        Assert.Equal("One answered.", (string?)data[2]!["content"]![0]!["text"]);
        Assert.Equal("Three", (string?)data[3]!["content"]![0]!["text"]);
        Assert.Contains("Un café", await client.GetStringAsync(path)); // the text as kept, not re-escaped
        var ids = data.Select(item => (string)item!["id"]!).ToArray();
        Assert.Equal((string?)all["first_id"], ids[0]);
        Assert.Equal((string?)all["last_id"], ids[3]);
        Assert.False((bool)all["has_more"]!);
        // The same ids on every read, newest first by default.
        Assert.Equal(ids.Reverse(), JsonNode.Parse(await client.GetStringAsync(path))!["data"]!.AsArray().Select(item => (string)item!["id"]!));

        var page = JsonNode.Parse(await client.GetStringAsync($"{path}?order=asc&limit=2&after={ids[0]}"))!;
        Assert.Equal(ids[1..3], page["data"]!.AsArray().Select(item => (string)item!["id"]!));
        Assert.True((bool)page["has_more"]!);
        var before = JsonNode.Parse(await client.GetStringAsync($"{path}?order=asc&before={ids[2]}&after={ids[0]}"))!;
        Assert.Equal([ids[1]], before["data"]!.AsArray().Select(item => (string)item!["id"]!));
        Assert.False((bool)before["has_more"]!);

        foreach (var (query, param) in new[] { ("limit=0", "limit"), ("limit=101", "limit"), ("limit=x", "limit"), ("order=up", "order"), ("after=item_nope", "after") })
        {
            using var bad = await client.GetAsync($"{path}?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal(param, (string?)JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["error"]!["param"]);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1/responses/resp_missing/input_items")).StatusCode);
    }

    [Fact]
    public async Task AnotherKey_NeitherReadsNorContinuesNorDeletes()
    {
        var db = _redis.GetDatabase();
        var owner = await TestKeys.CreateAsync(db);
        var stranger = await TestKeys.CreateAsync(db);
        Answer("Private answer.");
        var first = await SendAsync(Sdk(owner), Ask("chat-model", "Secret.", stream: false));
        var requests = _upstream.Requests.Count;

        using var client = _gateway.CreateClient(stranger);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1/responses/" + first.Id)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/responses/{first.Id}/input_items")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/v1/responses/" + first.Id)).StatusCode);
        using var continued = await client.PostAsync("/v1/responses", Json($$"""{"model":"chat-model","input":"More?","previous_response_id":"{{first.Id}}"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, continued.StatusCode);
        Assert.Equal(requests, _upstream.Requests.Count);

        // The owner still has it.
        ResponseResult read = await Sdk(owner).GetResponseAsync(first.Id);
        Assert.Equal("Private answer.", read.GetOutputText());
    }

    [Fact]
    public async Task StoreFalse_KeepsNothing()
    {
        Answer("Not kept.");
        using var client = _gateway.CreateClient();
        using var response = await client.PostAsync("/v1/responses", Json("""{"model":"chat-model","input":"Hi","store":false}"""));
        var id = (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!;
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1/responses/" + id)).StatusCode);
        Assert.False(await _redis.GetDatabase().KeyExistsAsync("bridge:response:" + id));
    }

    [Fact]
    public async Task ReasoningWithoutItsEncryptedContent_IsNotSentBack()
    {
        using var client = _gateway.CreateClient();
        Answer("With sealed reasoning.", """{"id":"rs_sealed","type":"reasoning","summary":[],"encrypted_content":"gAAAAsealed=="}""");
        var first = JsonNode.Parse(await (await client.PostAsync("/v1/responses", Json("""{"model":"responses-model","input":"One"}"""))).Content.ReadAsStringAsync())!;
        Answer("With bare reasoning.", """{"id":"rs_bare","type":"reasoning","summary":[]}""");
        var second = JsonNode.Parse(await (await client.PostAsync("/v1/responses",
            Json($$"""{"model":"responses-model","input":"Two","previous_response_id":"{{first["id"]}}"}"""))).Content.ReadAsStringAsync())!;
        Answer("Done.");
        using var third = await client.PostAsync("/v1/responses", Json($$"""{"model":"responses-model","input":"Three","previous_response_id":"{{second["id"]}}"}"""));
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);

        var input = JsonNode.Parse(_upstream.LastRequest.Body)!["input"]!.AsArray();
        var ids = input.Select(item => (string?)item!["id"]).Where(id => id is not null && id.StartsWith("rs_", StringComparison.Ordinal)).ToArray();
        Assert.Equal(new[] { "rs_sealed" }, ids!);
        // The stored answer itself is returned as it was, bare reasoning included.
        Assert.Contains("rs_bare", await client.GetStringAsync("/v1/responses/" + second["id"]));
    }

    [Fact]
    public async Task RedisAway_ContinuingIsA503_AndAnswersStillFlow()
    {
        Answer("Before the blip.");
        using var client = _gateway.CreateClient();
        var first = JsonNode.Parse(await (await client.PostAsync("/v1/responses", Json("""{"model":"chat-model","input":"One"}"""))).Content.ReadAsStringAsync())!;
        _garnet.Stop();

        using var continued = await client.PostAsync("/v1/responses", Json($$"""{"model":"chat-model","input":"Two","previous_response_id":"{{first["id"]}}"}"""));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, continued.StatusCode);
        Assert.NotNull(continued.Headers.RetryAfter);
        Assert.Equal("error", JsonNode.Parse(await continued.Content.ReadAsStringAsync())!.AsObject().Single().Key);
        using var listed = await client.GetAsync($"/v1/responses/{first["id"]}/input_items");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, listed.StatusCode);

        // A new conversation is still answered; it just cannot be stored.
        using var fresh = await client.PostAsync("/v1/responses", Json("""{"model":"chat-model","input":"Fresh"}"""));
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
