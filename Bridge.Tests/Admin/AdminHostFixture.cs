namespace Bridge.Tests.Admin;

/// <summary>One admin per test class: starting it costs about a second.</summary>
public sealed class AdminHostFixture : IAsyncLifetime
{
    public AdminHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await AdminHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
