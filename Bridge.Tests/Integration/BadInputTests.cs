using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Bridge.Tests.Infrastructure;

namespace Bridge.Tests.Integration;

/// <summary>
/// Bodies Bridge must refuse itself, on every path (the native Anthropic one included, which otherwise
/// forwards the body as is): 400 in the client's envelope naming the field, and nothing sent upstream.
/// </summary>
public sealed class BadInputTests : IClassFixture<MatrixFixture>
{
    private readonly MatrixFixture _fixture;

    public BadInputTests(MatrixFixture fixture)
    {
        _fixture = fixture;
        fixture.OpenAI.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("hello"));
        fixture.Anthropic.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, AnthropicResponses.TextMessage("hello"));
    }

    public static TheoryData<string> Models => new() { MatrixFixture.AnthropicModel, MatrixFixture.OpenAIModel };

    private async Task<(HttpStatusCode Status, JsonNode Body)> PostAsync(string path, byte[] body)
    {
        using var client = _fixture.Gateway.CreateClient();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync(path, content);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    /// <summary>Posts to /v1/messages and checks Bridge itself refused it: 400, Anthropic's envelope, upstream untouched.</summary>
    private async Task<string> RefusedMessagesAsync(string model, byte[] body)
    {
        var before = _fixture.UpstreamFor(model).Requests.Count;
        var (status, json) = await PostAsync("/v1/messages", body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("error", (string?)json["type"]);
        Assert.Equal("invalid_request_error", (string?)json["error"]!["type"]);
        Assert.Equal(before, _fixture.UpstreamFor(model).Requests.Count);
        return (string)json["error"]!["message"]!;
    }

    /// <summary>As <see cref="RefusedMessagesAsync"/> on /v1/chat/completions: OpenAI's envelope; returns the param.</summary>
    private async Task<(string Message, string? Param)> RefusedChatAsync(string model, byte[] body)
    {
        var before = _fixture.UpstreamFor(model).Requests.Count;
        var (status, json) = await PostAsync("/v1/chat/completions", body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = json["error"]!;
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        Assert.Equal(before, _fixture.UpstreamFor(model).Requests.Count);
        return ((string)error["message"]!, (string?)error["param"]);
    }

    private static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Messages_BudgetTokensNotAnInteger_Is400NamingIt(string model)
    {
        var message = await RefusedMessagesAsync(model, Utf8($$$"""
            {"model":"{{{model}}}","max_tokens":2048,"thinking":{"type":"enabled","budget_tokens":"1024"},
             "messages":[{"role":"user","content":"hi"}]}
            """));
        Assert.Contains("thinking.budget_tokens", message);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Messages_ImageBase64ThatDoesNotDecode_Is400NamingIt(string model)
    {
        var message = await RefusedMessagesAsync(model, Utf8($$$"""
            {"model":"{{{model}}}","max_tokens":100,"messages":[{"role":"user","content":[
              {"type":"text","text":"what is this?"},
              {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo*not base64*"}}]}]}
            """));
        Assert.Contains("messages.0.content.1.source.data", message);
        Assert.Contains("base64", message);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Messages_InvalidUtf8_Is400NamingTheField(string model)
    {
        var body = Utf8($$$"""{"model":"{{{model}}}","max_tokens":100,"messages":[{"role":"user","content":"caf@"}]}""");
        body[Array.IndexOf(body, (byte)'@')] = 0xE9; // Latin-1 'é': not UTF-8
        var message = await RefusedMessagesAsync(model, body);
        Assert.Contains("messages.0.content", message);
        Assert.Contains("UTF-8", message);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Messages_LoneSurrogateEscape_Is400NamingTheField(string model)
    {
        var message = await RefusedMessagesAsync(model,
            Utf8($$$"""{"model":"{{{model}}}","max_tokens":100,"messages":[{"role":"user","content":[{"type":"text","text":"broken \ud83d emoji"}]}]}"""));
        Assert.Contains("messages.0.content.0.text", message);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Messages_FieldOfTheWrongType_Is400NamingIt(string model)
    {
        var message = await RefusedMessagesAsync(model, Utf8($$$"""{"model":"{{{model}}}","max_tokens":100,"stream":"yes","messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Contains("stream", message);
        message = await RefusedMessagesAsync(model, Utf8($$$"""{"model":"{{{model}}}","max_tokens":100,"temperature":1e400,"messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Contains("temperature", message);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Chat_DataUrlThatDoesNotDecode_Is400WithParam(string model)
    {
        var (message, param) = await RefusedChatAsync(model, Utf8($$$"""
            {"model":"{{{model}}}","messages":[{"role":"user","content":[
              {"type":"text","text":"what is this?"},
              {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo*not base64*"}}]}]}
            """));
        Assert.Equal("messages[0].content[1].image_url.url", param);
        Assert.Contains("base64", message);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Chat_InvalidUtf8_Is400WithParam(string model)
    {
        var body = Utf8($$$"""{"model":"{{{model}}}","messages":[{"role":"system","content":"be nice"},{"role":"user","content":"caf@"}]}""");
        body[Array.IndexOf(body, (byte)'@')] = 0xFF;
        var (message, param) = await RefusedChatAsync(model, body);
        Assert.Equal("messages[1].content", param);
        Assert.Contains("UTF-8", message);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Chat_FieldOfTheWrongType_Is400WithParam(string model)
    {
        var (_, param) = await RefusedChatAsync(model, Utf8($$$"""{"model":"{{{model}}}","temperature":"hot","messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal("temperature", param);
        (_, param) = await RefusedChatAsync(model, Utf8($$$"""{"model":"{{{model}}}","thinking":{"type":"enabled","budget_tokens":2048.5},"messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal("thinking.budget_tokens", param);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public async Task WellFormedRequests_StillGoThrough(string model)
    {
        var png = Convert.ToBase64String([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var (status, _) = await PostAsync("/v1/messages", Utf8($$$"""
            {"model":"{{{model}}}","max_tokens":2048,"temperature":null,"thinking":{"type":"enabled","budget_tokens":1024},
             "messages":[{"role":"user","content":[{"type":"text","text":"caf\u00e9 \ud83d\ude00 \\ud800"},
               {"type":"image","source":{"type":"base64","media_type":"image/png","data":"{{{png}}}"}}]}]}
            """));
        Assert.Equal(HttpStatusCode.OK, status);
        (status, _) = await PostAsync("/v1/chat/completions", Utf8($$$"""
            {"model":"{{{model}}}","max_tokens":100,"stop":null,"messages":[{"role":"user","content":[{"type":"text","text":"hi"},
               {"type":"image_url","image_url":{"url":"data:image/png;base64,{{{png}}}"}}]}]}
            """));
        Assert.Equal(HttpStatusCode.OK, status);
    }
}
