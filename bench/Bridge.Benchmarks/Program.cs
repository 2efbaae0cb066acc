using BenchmarkDotNet.Running;
using Bridge.Benchmarks;

// dotnet run -c Release --project bench/Bridge.Benchmarks -- --filter '*'                     (full)
// dotnet run -c Release --project bench/Bridge.Benchmarks -- --filter '*' --job short --inProcess   (quick)
BenchmarkSwitcher.FromAssembly(typeof(RequestBenchmarks).Assembly).Run(args);
