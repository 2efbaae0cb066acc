using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Bridge.Tests.Infrastructure;

namespace Bridge.Tests.Upstream;

/// <summary>
/// What a client learns when a deployment refuses Bridge's key or cannot be reached: the deployment's name and the
/// kind of failure, never the upstream's words about the key (they can quote its tail) nor its host and port.
/// Those go to the log, checked here on a real gateway process.
/// </summary>
public sealed class UpstreamErrorTextTests
{
    private const string UpstreamWords = "Incorrect API key provided: sk-proj-********************Xy9Q. You can find your API key at https://platform.openai.com/account/api-keys.";

    [Fact]
    public async Task RejectedCredentials_AreGenericForTheClient_AndInTheLog_AndConnectionErrorsNameTheDeploymentOnly()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = (ctx, _) => OpenAIResponses.WriteErrorAsync(ctx, 401, UpstreamWords, "invalid_request_error");
        var closedPort = GarnetInstance.FreePort(); // nothing listens there
        await using var gateway = await GatewayProcess.StartAsync($"""
            model_list:
              - model_name: rejects-key
                litellm_params:
                  model: openai/gpt-4o
                  api_base: {upstream.BaseUrl}/v1
                  api_key: sk-upstream-key
              - model_name: unreachable
                litellm_params:
                  model: openai/gpt-4o
                  api_base: http://127.0.0.1:{closedPort}/v1
                  api_key: sk-upstream-key
            general_settings:
              master_key: {GatewayHost.MasterKey}
            """, redis: null);
        using var client = new HttpClient { BaseAddress = new Uri(gateway.BaseUrl) };
        client.DefaultRequestHeaders.Add("x-api-key", GatewayHost.MasterKey);

        foreach (var path in new[] { "/v1/messages", "/v1/chat/completions" })
        {
            var (status, message) = await PostAsync(client, path, "rejects-key");
            Assert.True(status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.BadGateway, $"{status}");
            Assert.Contains("rejected Bridge's credentials", message);
            Assert.DoesNotContain("Xy9Q", message);
            Assert.DoesNotContain("Incorrect API key", message);

            (status, message) = await PostAsync(client, path, "unreachable");
            Assert.Equal(HttpStatusCode.BadGateway, status);
            Assert.Contains("unreachable#", message); // the deployment, by its id
            Assert.DoesNotContain(closedPort.ToString(System.Globalization.CultureInfo.InvariantCulture), message);
            Assert.DoesNotContain("127.0.0.1", message);
        }

        for (var i = 0; i < 50 && !gateway.Output.Contains("Xy9Q", StringComparison.Ordinal); i++) await Task.Delay(100);
        Assert.Contains(UpstreamWords, gateway.Output); // the operator still reads what the upstream said
    }

    private static async Task<(HttpStatusCode Status, string Message)> PostAsync(HttpClient client, string path, string model)
    {
        var body = path == "/v1/messages"
            ? $$"""{"model":"{{model}}","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}"""
            : $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""";
        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return (response.StatusCode, (string)json["error"]!["message"]!);
    }
}
