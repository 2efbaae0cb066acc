using System.Collections.Concurrent;
using System.Diagnostics;
using Bridge.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Bridge.Tests.Sessions;

/// <summary>
/// Session affinity end to end: real gateways (in process) on a real Garnet, fake OpenAI-format deployments that
/// emulate a prefix cache (<see cref="PrefixCacheRig"/>), Claude-Code-like sessions (<see cref="CodingSession"/>).
/// </summary>
public sealed class SessionAffinityTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly GarnetInstance _garnet = new();
    private PrefixCacheRig _rig = null!;
    private readonly List<GatewayHost> _gateways = [];
    private readonly ConcurrentBag<Activity> _spans = [];
    private ActivityListener _listener = null!;

    public async Task InitializeAsync()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => _spans.Add(a),
        };
        ActivitySource.AddActivityListener(_listener);
        _rig = await PrefixCacheRig.StartAsync();
    }

    /// <summary>The server span's <c>bridge.session.affinity</c> for the session's last turn (no tag may carry the raw session id).</summary>
    private async Task<string?> AffinityTagAsync(CodingSession session)
    {
        var requestId = session.LastRequestId!;
        for (var i = 0; i < 50; i++)
        {
            if (_spans.FirstOrDefault(a => (string?)a.GetTagItem("bridge.request_id") == requestId) is { } span)
            {
                Assert.DoesNotContain(span.TagObjects, t => t.Value is string v && v.Contains(session.SessionId, StringComparison.Ordinal));
                return (string?)span.GetTagItem("bridge.session.affinity");
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"no server span for request {requestId}");
    }

    public async Task DisposeAsync()
    {
        _listener.Dispose();
        foreach (var gateway in _gateways) await gateway.DisposeAsync();
        await _rig.DisposeAsync();
        _garnet.Dispose();
    }

    private string Group(string name, IEnumerable<string> deployments, string extra = "") => string.Concat(deployments.Select(d => $"""
          - model_name: {name}
            litellm_params:
              model: openai/gpt-4o
              api_base: {_rig.ApiBase(d)}
              api_key: k{extra}
            model_info:
              id: {d}

        """));

    private async Task<GatewayHost> StartAsync(string modelList, string routerSettings = "", bool redis = true)
    {
        var gateway = await GatewayHost.StartAsync($"""
            model_list:
            {modelList}
            router_settings:
              routing_strategy: simple-shuffle
              cooldown_time: 60
            {routerSettings}
            general_settings:
              master_key: {GatewayHost.MasterKey}
            """, redis ? new Dictionary<string, string?> { ["ConnectionStrings:redis"] = _garnet.ConnectionString } : null);
        _gateways.Add(gateway);
        return gateway;
    }

    /// <summary>Six sessions of twelve turns, interleaved turn by turn; returns the cached tokens the deployments reported.</summary>
    private async Task<(long Cached, long Prompt)> RunWorkloadAsync(HttpClient client, string model, string run)
    {
        var sessions = Enumerable.Range(0, 6).Select(i => new CodingSession($"{run}{i}", model)).ToList();
        for (var turn = 0; turn < 12; turn++)
        {
            foreach (var session in sessions) await session.SendTurnAsync(client);
        }
        var served = _rig.Served.Where(s => s.Session?.StartsWith(run, StringComparison.Ordinal) == true).ToList();
        Assert.Equal(72, served.Count);
        return (served.Sum(s => (long)s.CachedTokens), served.Sum(s => (long)s.PromptTokens));
    }

    [Fact]
    public async Task SixInterleavedSessions_KeepAtLeast95PercentOfOneDeploymentsCachedTokens_AndLoseThemWithoutAffinity()
    {
        var on = await StartAsync(Group("three", ["on-1", "on-2", "on-3"]) + Group("one", ["solo"]));
        var off = await StartAsync(Group("three", ["off-1", "off-2", "off-3"]), "  session_affinity: false");
        using var onClient = on.CreateClient();
        using var offClient = off.CreateClient();

        var single = await RunWorkloadAsync(onClient, "one", "single");
        var affinity = await RunWorkloadAsync(onClient, "three", "affine");
        var shuffled = await RunWorkloadAsync(offClient, "three", "shuffled");

        var withAffinity = affinity.Cached / (double)single.Cached;
        var without = shuffled.Cached / (double)single.Cached;
        output.WriteLine($"prompt tokens per run: {single.Prompt}; cached tokens: one deployment {single.Cached}, " +
            $"three with affinity {affinity.Cached} ({withAffinity:P1}), three without affinity {shuffled.Cached} ({without:P1})");
        Assert.True(withAffinity >= 0.95, $"with affinity: {withAffinity:P1} of the single deployment's cached tokens");
        Assert.True(without < 0.9, $"without affinity: {without:P1}");

        // Each session's upstream requests carry one stable prompt_cache_key, distinct per session; and with affinity
        // each session stayed on one deployment, while the group's three deployments were all used.
        var bySession = _rig.Served.Where(s => s.Session?.StartsWith("affine", StringComparison.Ordinal) == true).GroupBy(s => s.Session!).ToList();
        Assert.Equal(6, bySession.Count);
        Assert.All(bySession, g => Assert.Single(g.Select(s => s.PromptCacheKey).Distinct()));
        Assert.All(bySession, g => Assert.Matches("^[0-9a-f]{32}$", g.First().PromptCacheKey!));
        Assert.Equal(6, bySession.Select(g => g.First().PromptCacheKey).Distinct().Count());
        Assert.All(bySession, g => Assert.Single(g.Select(s => s.Deployment).Distinct()));
    }

    [Fact]
    public async Task PinnedDeployment_CoolingDown_TheSessionMovesAndStays()
    {
        var gateway = await StartAsync(Group("three", ["cool-1", "cool-2", "cool-3"]));
        using var client = gateway.CreateClient();
        var session = new CodingSession("cool", "three");
        var pinned = await session.SendTurnAsync(client);
        Assert.Equal("miss", await AffinityTagAsync(session));
        Assert.Equal(pinned, await session.SendTurnAsync(client));
        Assert.Equal("hit", await AffinityTagAsync(session));

        _rig.RateLimited[pinned] = true; // 429: retried elsewhere, and the deployment cools down for 60 s
        var moved = await session.SendTurnAsync(client);
        Assert.NotEqual(pinned, moved);
        Assert.Equal("moved", await AffinityTagAsync(session));
        _rig.RateLimited.Clear();
        for (var i = 0; i < 5; i++) Assert.Equal(moved, await session.SendTurnAsync(client));
        Assert.Equal("hit", await AffinityTagAsync(session));
    }

    [Fact]
    public async Task PinnedDeployment_AtItsRpm_TheSessionMoves()
    {
        // Stay inside one minute window: rpm counts per UTC minute.
        var second = DateTime.UtcNow.Second;
        if (second > 45) await Task.Delay(TimeSpan.FromSeconds(61 - second));
        var gateway = await StartAsync(Group("limited", ["rpm-1", "rpm-2", "rpm-3"], "\n      rpm: 3"));
        using var client = gateway.CreateClient();
        var session = new CodingSession("rpm", "limited");
        var pinned = await session.SendTurnAsync(client);
        Assert.Equal(pinned, await session.SendTurnAsync(client));
        Assert.Equal(pinned, await session.SendTurnAsync(client));
        var moved = await session.SendTurnAsync(client); // the pinned one is at 3/3 this minute
        Assert.NotEqual(pinned, moved);
        Assert.Equal(moved, await session.SendTurnAsync(client));
    }

    [Fact]
    public async Task TwoReplicas_PinASessionToTheSameDeployment_AndSubAgentsShareIt()
    {
        var first = await StartAsync(Group("three", ["rep-1", "rep-2", "rep-3"]));
        var second = await StartAsync(Group("three", ["rep-1", "rep-2", "rep-3"]));
        using var one = first.CreateClient();
        using var two = second.CreateClient();
        for (var i = 0; i < 12; i++)
        {
            var session = new CodingSession($"rep{i}", "three");
            var agent = new CodingSession($"agent{i}", "three", session.SessionId) { AgentId = $"agent-{i}" };
            var pinned = await session.SendTurnAsync(i % 2 == 0 ? one : two);
            for (var turn = 0; turn < 3; turn++)
            {
                Assert.Equal(pinned, await session.SendTurnAsync(turn % 2 == 0 ? two : one));
            }
            Assert.Equal(pinned, await agent.SendTurnAsync(i % 2 == 0 ? two : one));
        }
    }

    [Fact]
    public async Task ManySessions_SpreadAsTheStrategySpreads()
    {
        var gateway = await StartAsync(Group("three", ["bal-1", "bal-2", "bal-3"]));
        using var client = gateway.CreateClient();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < 300; i++)
        {
            var deployment = await new CodingSession($"bal{i}", "three").SendTurnAsync(client);
            counts[deployment] = counts.GetValueOrDefault(deployment) + 1;
        }
        output.WriteLine(string.Join(", ", counts.Select(c => $"{c.Key}: {c.Value}")));
        // simple-shuffle, equal weights: each deployment's share of 300 new sessions is Binomial(300, 1/3),
        // mean 100, standard deviation 8.2; 70..130 is more than 3.6 standard deviations either side.
        Assert.Equal(3, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 70, 130));
    }

    [Fact]
    public async Task WithoutRedis_PinsAreKeptInTheGateway()
    {
        var gateway = await StartAsync(Group("three", ["mem-1", "mem-2", "mem-3"]), redis: false);
        using var client = gateway.CreateClient();
        for (var i = 0; i < 6; i++)
        {
            var session = new CodingSession($"mem{i}", "three");
            var pinned = await session.SendTurnAsync(client);
            for (var turn = 0; turn < 4; turn++) Assert.Equal(pinned, await session.SendTurnAsync(client));
        }
    }

    [Fact]
    public async Task RedisDown_SessionsAreStillServed_ByTheStrategy()
    {
        var gateway = await StartAsync(Group("three", ["down-1", "down-2", "down-3"]));
        using var client = gateway.CreateClient();
        var session = new CodingSession("down", "three");
        await session.SendTurnAsync(client);
        _garnet.Stop();
        var started = DateTime.UtcNow;
        for (var i = 0; i < 4; i++) await session.SendTurnAsync(client);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(8), $"4 turns took {DateTime.UtcNow - started}");
        _garnet.Start();
    }
}
