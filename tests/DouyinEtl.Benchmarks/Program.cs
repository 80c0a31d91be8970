using DouyinEtl.Benchmarks;

// dotnet run -c Release --project tests/DouyinEtl.Benchmarks -- <benchmark> [iterations]
var benchmarks = new Dictionary<string, Func<int, Task>>(StringComparer.OrdinalIgnoreCase)
{
    ["export-parse"] = ExportParseBenchmark.RunAsync,
    ["reliability"] = DouyinEtl.Benchmarks.Reliability.ReliabilityBenchmark.RunAsync,
    ["performance"] = DouyinEtl.Benchmarks.Performance.PerformanceBenchmark.RunAsync,
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var benchmark))
{
    Console.Error.WriteLine($"usage: DouyinEtl.Benchmarks <{string.Join('|', benchmarks.Keys)}> [iterations]");
    return 64;
}

await benchmark(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20);
return 0;
