using System.Diagnostics;
using System.Globalization;

namespace DouyinEtl.Benchmarks.Performance;

/// <summary>
/// The performance figures of README's Performance section, side by side in one run:
/// <c>dotnet run -c Release --project tests/DouyinEtl.Benchmarks -- performance [export reads]</c>.
/// Load-sensitive figures run <c>DOUYIN_BENCH_REPEATS</c> times (default 3) and print median and spread;
/// <c>DOUYIN_BENCH_ONLY=sync,shared,s1,replicas,keypool,upsert,memory,refresh,coldstart,export</c> picks some.
/// </summary>
internal static class PerformanceBenchmark
{
    public static async Task RunAsync(int exportReads)
    {
        var repeats = int.TryParse(Environment.GetEnvironmentVariable("DOUYIN_BENCH_REPEATS"), CultureInfo.InvariantCulture, out var r) && r > 0 ? r : 3;
        var only = (Environment.GetEnvironmentVariable("DOUYIN_BENCH_ONLY") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        bool Wanted(string name) => only.Length == 0 || only.Contains(name, StringComparer.OrdinalIgnoreCase);

        Bench.Line($"DouyinEtl performance, {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC");
        Bench.Line($"{Bench.Machine()}; load average at start {Bench.LoadAverage()}");
        await using var warehouse = await BenchWarehouse.StartAsync();
        if (Wanted("sync"))
        {
            await SyncRateBenchmark.RunAsync(warehouse, repeats);
        }

        if (Wanted("shared"))
        {
            await SharedUnitsBenchmark.RunAsync(warehouse, repeats);
        }

        if (Wanted("s1"))
        {
            await ReplicasBenchmark.RunS1Async(warehouse);
        }

        if (Wanted("replicas"))
        {
            await ReplicasBenchmark.RunS2Async(warehouse);
        }

        if (Wanted("keypool"))
        {
            await KeyPoolBenchmark.RunAsync(warehouse);
        }

        if (Wanted("upsert"))
        {
            await UpsertBenchmark.RunAsync(warehouse, repeats);
        }

        if (Wanted("memory"))
        {
            await MemoryBenchmark.RunAsync(warehouse);
        }

        if (Wanted("refresh"))
        {
            await RefreshCostBenchmark.RunAsync(warehouse, days: 28);
        }

        if (Wanted("coldstart"))
        {
            await ColdStartBenchmark.RunAsync(warehouse, Math.Max(5, repeats));
        }

        if (Wanted("export"))
        {
            // In a process of its own: this one has read workbooks already, so its "first read" would not be cold.
            Bench.Heading($"1000-row export parse (the export-parse benchmark in a fresh process, {exportReads} reads)");
            var start = new ProcessStartInfo(WorkerChild.DotnetHost()) { RedirectStandardOutput = true };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "DouyinEtl.Benchmarks.dll"));
            start.ArgumentList.Add("export-parse");
            start.ArgumentList.Add(exportReads.ToString(CultureInfo.InvariantCulture));
            using var exportParse = Process.Start(start)!;
            Console.Write(await exportParse.StandardOutput.ReadToEndAsync());
            await exportParse.WaitForExitAsync();
        }
    }
}
