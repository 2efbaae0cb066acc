using Bridge.LoadTest;

// dotnet run -c Release --project bench/Bridge.LoadTest -- routing [requests] [concurrency]
var scenario = args.FirstOrDefault() ?? "routing";
switch (scenario)
{
    case "routing":
        await RoutingScenario.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 3000, args.Length > 2 ? int.Parse(args[2]) : 16);
        break;
    default:
        Console.Error.WriteLine("scenarios: routing");
        return 2;
}
return 0;
