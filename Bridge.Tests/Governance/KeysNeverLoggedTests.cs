using System.Text;
using Bridge.Tests.Infrastructure;
using StackExchange.Redis;

namespace Bridge.Tests.Governance;

/// <summary>The gateway's own log output (a real process) never contains a key, valid or not, nor a prompt.</summary>
public sealed class KeysNeverLoggedTests
{
    [Fact]
    public async Task GatewayLogs_NeverContainKeysOrPrompts()
    {
        using var garnet = new GarnetInstance();
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = (ctx, _) => OpenAIResponses.WriteErrorAsync(ctx, 500, "upstream broke");
        const string upstreamKey = "sk-upstream-never-log-me";
        const string prompt = "PROMPT-THAT-MUST-NOT-BE-LOGGED";
        await using var gateway = await GatewayProcess.StartAsync($"""
            model_list:
              - model_name: gpt-4o
                litellm_params:
                  model: openai/gpt-4o
                  api_base: {upstream.BaseUrl}/v1
                  api_key: {upstreamKey}
            general_settings:
              master_key: {GatewayHost.MasterKey}
            """, garnet.ConnectionString, new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Debug" });
        string virtualKey;
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString))
        {
            virtualKey = await TestKeys.CreateAsync(redis.GetDatabase(), k => k with { RpmLimit = 1 });
        }

        foreach (var key in new[] { GatewayHost.MasterKey, virtualKey, virtualKey, "sk-wrong-key-attempt" })
        {
            using var client = gateway.CreateClient(key);
            using var _ = await client.PostAsync("/v1/messages", new StringContent(
                $$"""{"model":"gpt-4o","max_tokens":5,"messages":[{"role":"user","content":"{{prompt}}"}]}""", Encoding.UTF8, "application/json"));
        }
        await Task.Delay(500);

        var output = gateway.Output;
        Assert.Contains("Rejected request", output); // the log did run
        foreach (var secret in new[] { GatewayHost.MasterKey, virtualKey, "sk-wrong-key-attempt", upstreamKey, prompt })
        {
            Assert.DoesNotContain(secret, output);
        }
    }
}
