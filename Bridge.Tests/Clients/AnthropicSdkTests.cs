using System.Text.Json;
using Anthropic;
using Anthropic.Models.Messages;
using Bridge.Tests.Integration;
using Bridge.Tests.Infrastructure;

namespace Bridge.Tests.Clients;

/// <summary>The official Anthropic .NET SDK drives Bridge, which talks to a fake OpenAI upstream.</summary>
public sealed class AnthropicSdkTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private AnthropicClient Client() => new()
    {
        BaseUrl = fixture.Gateway.BaseUrl,
        ApiKey = GatewayHost.MasterKey,
        MaxRetries = 0,
    };

    private static Tool WeatherTool(string name) => new()
    {
        Name = name,
        Description = "Get the weather for a city",
        InputSchema = new InputSchema
        {
            Properties = new Dictionary<string, JsonElement>
            {
                ["city"] = JsonDocument.Parse("""{"type":"string"}""").RootElement,
            },
            Required = ["city"],
        },
    };

    [Fact]
    public async Task StreamingWithTools_SdkAggregatesToolUseBlocks()
    {
        fixture.OpenAI.Handler = (ctx, _) => OpenAIResponses.WriteSseAsync(ctx,
        [
            OpenAIResponses.Chunk("""{"role":"assistant","content":"Checking both."}"""),
            OpenAIResponses.Chunk("""{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"ci"}}]}"""),
            OpenAIResponses.Chunk("""{"tool_calls":[{"index":1,"id":"call_2","type":"function","function":{"name":"get_time","arguments":"{\"city\":\"Oslo\"}"}}]}"""),
            OpenAIResponses.Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"ty\":\"Paris\"}"}}]}"""),
            OpenAIResponses.Chunk("{}", "tool_calls"),
            OpenAIResponses.UsageChunk(210, 44),
        ]);

        var parameters = new MessageCreateParams
        {
            Model = "claude-sonnet-5",
            MaxTokens = 1024,
            Messages = [new UserMessageParam { Content = "Weather and time in Paris and Oslo?" }],
            Tools = [WeatherTool("get_weather"), WeatherTool("get_time")],
        };

        var message = await Client().Messages.CreateStreaming(parameters).Aggregate();

        Assert.Equal("tool_use", message.StopReason?.Raw());
        var blocks = message.Content.ToList();
        Assert.True(blocks[0].TryPickText(out var text));
        Assert.Equal("Checking both.", text!.Text);
        Assert.True(blocks[1].TryPickToolUse(out var first));
        Assert.True(blocks[2].TryPickToolUse(out var second));
        Assert.Equal("get_weather", first!.Name);
        Assert.Equal("Paris", first.Input["city"].GetString());
        Assert.Equal("get_time", second!.Name);
        Assert.Equal("Oslo", second.Input["city"].GetString());
        Assert.StartsWith("toolu_", first.ID);
        Assert.Equal(44, message.Usage.OutputTokens);
    }

    [Fact]
    public async Task NonStreamingText_SdkParsesMessage()
    {
        fixture.OpenAI.Handler = (ctx, _) => OpenAIResponses.WriteJsonAsync(ctx, OpenAIResponses.TextCompletion("Bonjour", promptTokens: 20, completionTokens: 3));

        var message = await Client().Messages.Create(new MessageCreateParams
        {
            Model = "gpt-4o",
            MaxTokens = 100,
            Messages = [new UserMessageParam { Content = "Say hello in French" }],
        });

        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal("Bonjour", text!.Text);
        Assert.Equal("end_turn", message.StopReason?.Raw());
        Assert.Equal(20, message.Usage.InputTokens);
        Assert.Equal(3, message.Usage.OutputTokens);
    }
}
