using DouyinEtl.Benchmarks;

// dotnet run -c Release --project tests/DouyinEtl.Benchmarks -- <benchmark> [iterations, or the size it names] [accounts, for warehouse-scale]
var accounts = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : DouyinEtl.Benchmarks.Performance.WarehouseScaleBenchmark.DefaultAccounts;
var benchmarks = new Dictionary<string, (Func<int, Task> Run, int Default)>(StringComparer.OrdinalIgnoreCase)
{
    ["export-parse"] = (ExportParseBenchmark.RunAsync, 20),
    ["reliability"] = (DouyinEtl.Benchmarks.Reliability.ReliabilityBenchmark.RunAsync, 20),
    ["performance"] = (DouyinEtl.Benchmarks.Performance.PerformanceBenchmark.RunAsync, 20),
    ["dead-upstream"] = (DouyinEtl.Benchmarks.Performance.DeadUpstreamBenchmark.RunAsync, 0),
    ["accounts-scale"] = (DouyinEtl.Benchmarks.Performance.AccountsScaleBenchmark.RunAsync, 1_000),
    ["warehouse-scale"] = (rows => DouyinEtl.Benchmarks.Performance.WarehouseScaleBenchmark.RunAsync(rows, accounts), 10_000_000),
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var benchmark))
{
    Console.Error.WriteLine($"usage: DouyinEtl.Benchmarks <{string.Join('|', benchmarks.Keys)}> [iterations]");
    return 64;
}

await benchmark.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : benchmark.Default);
return 0;
