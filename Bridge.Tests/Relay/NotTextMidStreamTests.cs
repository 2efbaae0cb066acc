using System.Net;
using System.Text;
using Bridge.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Bridge.Tests.Relay;

/// <summary>
/// An upstream whose stream, after the first text, carries a string that is not text (an escaped half of a surrogate
/// pair, as a server that splits an emoji between two tokens can send). A translating relay reads the string: the
/// client must still get a well-formed stream in its own protocol, never a connection cut off mid-answer.
/// </summary>
public sealed class NotTextMidStreamTests
{
    [Theory]
    [InlineData("chat", true)] // a Chat Completions client, an Anthropic upstream
    [InlineData("messages", false)] // an Anthropic client, an OpenAI upstream
    [InlineData("responses", false)] // a Responses client (Codex), an OpenAI upstream
    [InlineData("responses", true)] // a Responses client, an Anthropic upstream
    public async Task LoneSurrogateMidStream_TheClientGetsAWellFormedStream(string clientApi, bool anthropicUpstream)
    {
        var anthropicClient = clientApi == "messages";
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = async (ctx, _) =>
        {
            ctx.Response.ContentType = "text/event-stream";
            string Event(string type, string data) => anthropicUpstream ? $"event: {type}\ndata: {data}\n\n" : $"data: {data}\n\n";
            var start = AnthropicResponses.StreamEvents(null, [])[0];
            var text = new StringBuilder();
            if (anthropicUpstream)
            {
                text.Append(Event(start.Event, start.Data))
                    .Append(Event("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""))
                    .Append(Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}"""))
                    .Append(Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo \ud83d"}}"""))
                    .Append(Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" there"}}"""))
                    .Append(Event("content_block_stop", """{"type":"content_block_stop","index":0}"""))
                    .Append(Event("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":3}}"""))
                    .Append(Event("message_stop", """{"type":"message_stop"}"""));
            }
            else
            {
                text.Append(Event("", OpenAIResponses.Chunk("""{"role":"assistant","content":"Hel"}""")))
                    .Append(Event("", OpenAIResponses.Chunk("""{"content":"lo \ud83d"}""")))
                    .Append(Event("", OpenAIResponses.Chunk("""{"content":" there"}""")))
                    .Append(Event("", OpenAIResponses.Chunk("{}", "stop")))
                    .Append("data: [DONE]\n\n");
            }
            await ctx.Response.WriteAsync(text.ToString());
        };
        await using var gateway = await GatewayHost.StartAsync($"""
            model_list:
              - model_name: m
                litellm_params:
                  model: {(anthropicUpstream ? "anthropic/claude-sonnet-4-5-20250929" : "openai/gpt-4o")}
                  api_base: {upstream.BaseUrl + (anthropicUpstream ? "" : "/v1")}
                  api_key: sk-up
            general_settings:
              master_key: {GatewayHost.MasterKey}
            """);

        using var client = gateway.CreateClient();
        using var response = await client.PostAsync(clientApi switch { "messages" => "/v1/messages", "chat" => "/v1/chat/completions", _ => "/v1/responses" },
            new StringContent(clientApi == "responses"
                ? """{"model":"m","stream":true,"store":false,"input":"hi"}"""
                : """{"model":"m","max_tokens":32,"stream":true,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Hel", body);
        Assert.Contains(clientApi switch { "messages" => "event: message_stop", "chat" => "data: [DONE]", _ => "response.completed" }, body);
        Assert.True(body.Contains("\uFFFD", StringComparison.Ordinal) || body.Contains("\\ud83d", StringComparison.OrdinalIgnoreCase), body); // replaced, or passed on as the upstream wrote it
        Assert.Contains(" there", body); // and the answer went on
    }
}
