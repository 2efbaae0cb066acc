using System.Globalization;
using Bridge.LoadTest;
using Bridge.LoadTest.Macro;
using Bridge.Bench;

// dotnet bench/Bridge.LoadTest/bin/Release/net10.0/Bridge.LoadTest.dll <scenario> [options]
//   routing [requests] [concurrency]    in-process gateway over three fake deployments, one failing
//   macro [--duration 10] [--warmup 2] [--connections 1,32] [--scenarios small,small-stream,claude-code,claude-code-stream] [--out file.md]
//   soak [--soak-minutes 10] [--soak-scenario small-stream] [--soak-connections 32] [--out file.md]
//   fake [--port 0] [--chunks 20]       the fake OpenAI upstream alone, until killed
//   forwarder --port P --upstream URL   a bare Kestrel -> HttpClient forwarder (the floor of any .NET gateway), until killed
//   hostile [--random-keys 200000] [--slow 200] [--hold 20] [--out file.md]   issue 10's hostile-client run (gateway under a 512 MB heap)
//   bodies <dir>                        writes the non-streaming request bodies (Bridge's and the direct ones) for wrk
var scenario = args.FirstOrDefault() ?? "routing";
switch (scenario)
{
    case "routing":
        await RoutingScenario.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3000, args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 16);
        return 0;
    case "macro":
        return await MacroRun.RunAsync(MacroOptions.Parse(args[1..]));
    case "soak":
        var soak = MacroOptions.Parse(args[1..]);
        return await SoakRun.RunAsync(args.Contains("--out") ? soak : soak with { Output = "bench/results/soak.md" });
    case "fake":
        var port = args.Length > 2 && args[1] == "--port" ? int.Parse(args[2], CultureInfo.InvariantCulture) : 0;
        var chunksAt = Array.IndexOf(args, "--chunks");
        var chunks = chunksAt > 0 ? int.Parse(args[chunksAt + 1], CultureInfo.InvariantCulture) : 20;
        await using (var fake = await FakeOpenAI.StartAsync(chunks, port))
        {
            Console.WriteLine($"fake OpenAI upstream listening on {fake.BaseUrl}");
            var stop = new TaskCompletionSource();
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
            AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.TrySetResult();
            // The web host handles SIGTERM itself (and then no ProcessExit comes): stop when it stops.
            fake.Stopping.Register(() => stop.TrySetResult());
            await stop.Task;
        }
        return 0;
    case "forwarder":
    {
        var forwarder = await BareForwarder.StartAsync(int.Parse(args[Array.IndexOf(args, "--port") + 1], CultureInfo.InvariantCulture),
            new Uri(args[Array.IndexOf(args, "--upstream") + 1]));
        Console.WriteLine($"bare forwarder listening on {forwarder.Urls.First()}");
        await forwarder.WaitForShutdownAsync();
        return 0;
    }
    case "hostile":
        return await HostileRun.RunAsync(args[1..]);
    case "bodies":
        Directory.CreateDirectory(args[1]);
        foreach (var (name, claudeCode) in new[] { ("small", false), ("cc", true) })
        {
            var messages = claudeCode ? BenchFixtures.ClaudeCodeMessagesRequest(false) : BenchFixtures.SmallMessagesRequest(false);
            using var tape = Bridge.Gateway.Json.JsonTape.Parse(messages);
            using var chat = new Bridge.Gateway.Buffers.PooledBufferWriter(256 * 1024);
            Bridge.Gateway.Translation.AnthropicToOpenAI.AnthropicToOpenAIRequest.Translate(tape.Root,
                new Bridge.Gateway.Translation.OpenAITarget { Model = BenchFixtures.UpstreamModel }, chat);
            await File.WriteAllBytesAsync(Path.Combine(args[1], $"bridge-{name}.json"), messages);
            await File.WriteAllBytesAsync(Path.Combine(args[1], $"direct-{name}.json"), chat.WrittenSpan.ToArray());
        }
        return 0;
    default:
        Console.Error.WriteLine("scenarios: routing, macro, soak, fake, forwarder, hostile, bodies");
        return 2;
}
