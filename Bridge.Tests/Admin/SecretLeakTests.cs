using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Bridge.Admin.Stores;
using Bridge.Gateway.Auth;
using StackExchange.Redis;

namespace Bridge.Tests.Admin;

/// <summary>Keys are shown once: never in Redis in clear, never in a page after creation, never in the logs.</summary>
public sealed class SecretLeakTests(AdminStackFixture fixture) : IClassFixture<AdminStackFixture>
{
    [Fact]
    public async Task CreatedKeys_NeverAppear_InRedis_InPages_OrInLogs()
    {
        var secrets = await CreateEveryKindOfKeyAsync();

        // Redis: every key name and every value of every type.
        var everything = await DumpRedisAsync();
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, everything);
            Assert.DoesNotContain(secret[3..], everything); // not even without the "sk-" prefix
        }
        Assert.Contains(SecretComparer.Hash(secrets[1]), everything); // stored hashed, as the contract says (secrets[0] was rotated away)
        Assert.DoesNotContain(SecretComparer.Hash(secrets[0]), everything);

        // Pages, as a signed-in admin sees them after creation.
        using var browser = fixture.Host.CreateClient();
        await AdminHost.SignInAsync(browser, AdminHost.MasterKey);
        var pages = new StringBuilder();
        foreach (var page in new[] { "keys", "master-keys", "usage", "aliases", "deployments", "" })
        {
            using var response = await browser.GetAsync(page);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            pages.Append(await response.Content.ReadAsStringAsync());
        }
        // The keys page did list them (under heavy load the first render can still be loading: ask again).
        for (var attempt = 0; attempt < 20 && !pages.ToString().Contains("leak-check-api"); attempt++)
        {
            await Task.Delay(250);
            pages.Append(await browser.GetStringAsync("keys"));
        }
        var html = pages.ToString();
        Assert.Contains("leak-check-api", html);
        Assert.Contains(secrets[1][..7] + "...", html);
        foreach (var secret in secrets.Append(AdminHost.MasterKey)) Assert.DoesNotContain(secret, html);

        // Logs, at every level, including the request lines of /key/info?key=... and a failed sign-in.
        using var api = fixture.ApiClient();
        await api.GetAsync($"key/info?key={Uri.EscapeDataString(secrets[0])}");
        using var other = fixture.Host.CreateClient();
        await AdminHost.SignInAsync(other, secrets[0] + "-wrong");
        var logs = fixture.Logs.All;
        Assert.Contains("Admin sign-in refused", logs); // the capture does see the admin's logs
        foreach (var secret in secrets.Append(AdminHost.MasterKey)) Assert.DoesNotContain(secret[3..], logs);
    }

    [Fact]
    public void CreatedKeyRecords_DoNotPrintTheirValue()
    {
        var created = new CreatedKey<string>("record", "sk-printed-by-accident-0000000000");
        var view = Bridge.Admin.Api.CreatedKeyView.From(new Bridge.Gateway.State.VirtualKeyRecord { Id = "vk_1", KeyPrefix = "sk-prin..." }, created.Key);

        Assert.DoesNotContain(created.Key, created.ToString());
        Assert.DoesNotContain(created.Key, view.ToString());
    }

    private async Task<List<string>> CreateEveryKindOfKeyAsync()
    {
        using var api = fixture.ApiClient();
        var secrets = new List<string>();
        async Task<JsonObject> Post(string path, string json)
        {
            // This test is about secrets, not availability: on a loaded machine Redis can miss the 2 s timeout, and the
            // API then says 503; ask again as the message advises (a duplicate key does not matter here).
            for (var attempt = 1; ; attempt++)
            {
                using var response = await api.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
                if (response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable && attempt < 3) continue;
                Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
                return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            }
        }

        var created = await Post("api/keys", """{"name": "leak-check-api"}""");
        secrets.Add((string)created["key"]!);
        secrets.Add((string)(await Post($"api/keys/{created["id"]}/rotate", "{}"))["key"]!);
        secrets.Add((string)(await Post("key/generate", """{"key_alias": "leak-check-litellm"}"""))["key"]!);
        secrets.Add((string)(await Post("api/master-keys", """{"name": "leak-check-master"}"""))["key"]!);
        var store = (VirtualKeyStore)fixture.Host.Services.GetService(typeof(VirtualKeyStore))!;
        secrets.Add((await store.CreateAsync(new VirtualKeySettings { Name = "leak-check-store" })).Key);
        return secrets;
    }

    private async Task<string> DumpRedisAsync()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Garnet.ConnectionString);
        var db = redis.GetDatabase();
        var dump = new StringBuilder();
        foreach (var key in redis.GetServer(redis.GetEndPoints()[0]).Keys(pattern: "*"))
        {
            dump.Append(key).Append('\n');
            var type = await db.KeyTypeAsync(key);
            switch (type)
            {
                case RedisType.String: dump.Append(await db.StringGetAsync(key)); break;
                case RedisType.Hash: foreach (var e in await db.HashGetAllAsync(key)) dump.Append(e.Name).Append('=').Append(e.Value).Append('\n'); break;
                case RedisType.Set: foreach (var m in await db.SetMembersAsync(key)) dump.Append(m).Append('\n'); break;
                case RedisType.SortedSet: foreach (var m in await db.SortedSetRangeByRankAsync(key)) dump.Append(m).Append('\n'); break;
                case RedisType.List: foreach (var m in await db.ListRangeAsync(key)) dump.Append(m).Append('\n'); break;
                default: Assert.Fail($"unexpected Redis type {type} at {key}"); break;
            }
            dump.Append('\n');
        }
        return dump.ToString();
    }
}
