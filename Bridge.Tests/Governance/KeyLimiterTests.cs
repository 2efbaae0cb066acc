using Bridge.Gateway.Auth;
using Bridge.Gateway.Configuration;
using Bridge.Gateway.Limits;
using Bridge.Gateway.State;
using Bridge.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bridge.Tests.Governance;

/// <summary>The key limiter against a real Redis-compatible server (Garnet), on a clock the test moves.</summary>
public sealed class KeyLimiterTests : IClassFixture<GarnetFixture>, IAsyncLifetime
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2030, 1, 1, 12, 0, 50, TimeSpan.Zero));
    private readonly RedisConnection _redis;
    private readonly KeyLimiter _limiter;

    public KeyLimiterTests(GarnetFixture garnet)
    {
        _redis = new RedisConnection(garnet.Garnet.ConnectionString, NullLogger<RedisConnection>.Instance);
        _limiter = new KeyLimiter(_redis, _clock, new GatewayOptions(), NullLogger<KeyLimiter>.Instance);
    }

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _redis.DisposeAsync();

    private static Caller Key(Func<VirtualKeyRecord, VirtualKeyRecord> shape) => new("k", false, shape(new VirtualKeyRecord
    {
        Id = "key_" + Guid.NewGuid().ToString("N")[..10],
        KeyPrefix = "sk-test...",
    }));

    private Task<(Admission? Admission, LimitRefusal? Refusal)> Admit(Caller caller, long worstCaseMicros = 0) =>
        _limiter.AdmitAsync(caller, "req_" + Guid.NewGuid().ToString("N"), worstCaseMicros, CancellationToken.None);

    [Fact]
    public async Task TokensOfAStreamCrossingTheMinute_CountInTheMinuteTheyLand()
    {
        var key = Key(k => k with { TpmLimit = 100 });
        var (stream, _) = await Admit(key); // 12:00:50

        _clock.Advance(TimeSpan.FromSeconds(20)); // the stream ends at 12:01:10
        await _limiter.ReleaseAsync(stream!, 150);
        var (_, refusal) = await Admit(key);

        Assert.NotNull(refusal);
        Assert.Contains("100 tokens per minute", refusal.Message);
    }

    [Fact]
    public async Task LostRelease_StopsCountingWhenItsLeaseExpires()
    {
        var key = Key(k => k with { MaxParallelRequests = 1 });
        var (lost, _) = await Admit(key); // its replica dies: never released, never renewed
        lost!.Renewal?.Dispose();

        Assert.Contains("in flight", (await Admit(key)).Refusal?.Message);
        _clock.Advance(KeyLimiter.LeaseDuration + TimeSpan.FromSeconds(1));
        Assert.Null((await Admit(key)).Refusal);
    }

    [Fact]
    public async Task LongRequest_KeepsItsSlotWhileRenewed_AndFreesItOnRelease()
    {
        var key = Key(k => k with { MaxParallelRequests = 1 });
        var (running, _) = await Admit(key);

        for (var i = 0; i < 40; i++) // 40 x 20 s: longer than any fixed expiry the counter used to have
        {
            _clock.Advance(KeyLimiter.LeaseRenewal);
            Assert.True(await _limiter.RenewAsync(running!));
        }
        Assert.NotNull((await Admit(key)).Refusal);

        await _limiter.ReleaseAsync(running!, 0);
        var (next, refusal) = await Admit(key);
        Assert.Null(refusal);
        await _limiter.ReleaseAsync(next!, 0);
        await _limiter.ReleaseAsync(next!, 0); // twice: still never below zero
        Assert.Null((await Admit(key)).Refusal);
        Assert.NotNull((await Admit(key)).Refusal);
    }

    [Fact]
    public async Task RequestsInFlight_HoldTheirWorstCaseAgainstTheBudget_UntilTheyEnd()
    {
        var key = Key(k => k with { MaxBudgetUsd = 0.001m }); // 1,000 micro-dollars
        var (first, _) = await Admit(key, worstCaseMicros: 600);
        var (second, _) = await Admit(key, worstCaseMicros: 600); // 600 held, under 1,000: admitted

        var third = await Admit(key, worstCaseMicros: 600); // 1,200 held
        Assert.NotNull(third.Refusal);
        Assert.Contains("held by requests in flight", third.Refusal.Message);
        Assert.Equal(TimeSpan.FromSeconds(1), third.Refusal.RetryAfter);

        await _limiter.ReleaseAsync(first!, 0);
        await _limiter.ReleaseAsync(second!, 0);
        Assert.Null((await Admit(key, worstCaseMicros: 600)).Refusal);
    }

    [Fact]
    public async Task Release_SettlesTheRealCost_InTheStepThatEndsTheHold()
    {
        var key = Key(k => k with { MaxBudgetUsd = 0.001m }); // 1,000 micro-dollars
        var (first, _) = await Admit(key, worstCaseMicros: 600);
        Assert.True(await _limiter.ReleaseAsync(first!, 10, costMicros: 1_000));

        // No usage record has been written: the spend already holds the real cost, so the budget is spent.
        var refused = (await Admit(key, worstCaseMicros: 1)).Refusal;
        Assert.NotNull(refused);
        Assert.Contains("is spent: $0.001 of $0.001", refused.Message);
    }

    [Fact]
    public async Task ReservationOfARequestWhoseReplicaDied_ExpiresWithItsLease()
    {
        var key = Key(k => k with { MaxBudgetUsd = 0.001m });
        var (lost, _) = await Admit(key, worstCaseMicros: 5_000);
        lost!.Renewal?.Dispose();
        Assert.NotNull((await Admit(key, worstCaseMicros: 1)).Refusal);

        _clock.Advance(KeyLimiter.LeaseDuration + TimeSpan.FromSeconds(1));
        Assert.Null((await Admit(key, worstCaseMicros: 1)).Refusal);
    }
}
