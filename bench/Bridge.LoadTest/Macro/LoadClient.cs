using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;

namespace Bridge.LoadTest.Macro;

/// <summary>
/// Closed-loop HTTP load: N workers on N keep-alive connections, each sending the next request as
/// soon as the previous response body has been read to the end. Per request it records the latency
/// (send to last body byte) and the time to the first token (send to the first body byte that
/// completes the marker <c>tok0</c>, the fake upstream's first streamed token; for a JSON answer,
/// the whole body). For a stream it also records the relay time: from the moment the fake upstream wrote its
/// first chunk (the monotonic clock it writes after the marker, <c>tok0@ticks</c>) to the client reading it.
/// Bounded by a duration.
/// </summary>
public sealed class LoadClient : IDisposable
{
    private static ReadOnlySpan<byte> Marker => "tok0"u8;

    private readonly Target _target;
    private readonly int _connections;
    private readonly SocketsHttpHandler _handler;
    private readonly HttpClient _client;

    public LoadClient(Target target, int connections)
    {
        _target = target;
        _connections = connections;
        _handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        };
        _client = new HttpClient(_handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Runs for <paramref name="duration"/>; connections stay open for the next run (use one run as warm-up).</summary>
    public async Task<LoadResult> RunAsync(TimeSpan duration)
    {
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var samples = await RunWorkersAsync(_client, _target, _connections, duration);
        watch.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;

        var latencies = samples.SelectMany(s => s.Latencies).Order().ToArray();
        var firstTokens = samples.SelectMany(s => s.FirstTokens).Order().ToArray();
        var overheads = samples.SelectMany(s => s.Overheads).Order().ToArray();
        var relays = samples.SelectMany(s => s.Relays).Order().ToArray();
        return new LoadResult(
            _connections,
            latencies.Length,
            samples.Sum(s => s.Errors),
            watch.Elapsed.TotalSeconds,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99),
            Percentile(firstTokens, 0.50),
            Percentile(firstTokens, 0.99),
            overheads.Length > 0 ? Percentile(overheads, 0.50) : null,
            overheads.Length > 0 ? Percentile(overheads, 0.99) : null,
            relays.Length > 0 ? Percentile(relays, 0.50) : null,
            relays.Length > 0 ? Percentile(relays, 0.99) : null,
            cpu);
    }

    public void Dispose()
    {
        _client.Dispose();
        _handler.Dispose();
    }

    private sealed class WorkerSamples
    {
        public List<double> Latencies { get; } = new(100_000);
        public List<double> FirstTokens { get; } = new(100_000);
        public List<double> Overheads { get; } = [];
        public List<double> Relays { get; } = new(100_000);
        public int Errors { get; set; }
    }

    private static async Task<WorkerSamples[]> RunWorkersAsync(HttpClient client, Target target, int connections, TimeSpan duration)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, connections).Select(_ => Task.Run(() => WorkerAsync(client, target, deadline))).ToArray();
        return await Task.WhenAll(workers);
    }

    private static async Task<WorkerSamples> WorkerAsync(HttpClient client, Target target, long deadline)
    {
        var samples = new WorkerSamples();
        var buffer = new byte[64 * 1024];
        while (Stopwatch.GetTimestamp() < deadline)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, target.Url);
            request.Content = new ByteArrayContent(target.Body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            foreach (var (name, value) in target.Headers) request.Headers.TryAddWithoutValidation(name, value);

            var start = Stopwatch.GetTimestamp();
            long firstToken = 0, upstreamWrote = 0;
            try
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                await using var body = await response.Content.ReadAsStreamAsync();
                var matched = 0;
                int read;
                while ((read = await body.ReadAsync(buffer)) > 0)
                {
                    if (firstToken == 0)
                    {
                        for (var i = 0; i < read; i++)
                        {
                            var b = buffer[i];
                            matched = b == Marker[matched] ? matched + 1 : b == Marker[0] ? 1 : 0;
                            if (matched == Marker.Length)
                            {
                                firstToken = Stopwatch.GetTimestamp();
                                upstreamWrote = Stamp(buffer.AsSpan(i + 1, read - i - 1));
                                break;
                            }
                        }
                    }
                }
                var end = Stopwatch.GetTimestamp();
                if (!response.IsSuccessStatusCode)
                {
                    samples.Errors++;
                    continue;
                }

                samples.Latencies.Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
                samples.FirstTokens.Add(Stopwatch.GetElapsedTime(start, firstToken == 0 ? end : firstToken).TotalMilliseconds);
                if (upstreamWrote != 0) samples.Relays.Add(Stopwatch.GetElapsedTime(upstreamWrote, firstToken).TotalMilliseconds);
                if (response.Headers.TryGetValues("x-bridge-overhead-duration-ms", out var values)
                    && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var overhead))
                {
                    samples.Overheads.Add(overhead);
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
            {
                samples.Errors++;
            }
        }
        return samples;
    }

    /// <summary>The ticks in <c>@123456</c> right after the marker, or 0 when they are absent or cut by the read.</summary>
    private static long Stamp(ReadOnlySpan<byte> rest)
    {
        if (rest.Length < 2 || rest[0] != (byte)'@') return 0;
        var digits = rest[1..];
        var length = digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9');
        return length > 0 && System.Buffers.Text.Utf8Parser.TryParse(digits[..length], out long ticks, out _) ? ticks : 0;
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
