using Dapper;
using DouyinEtl.Sandbox;
using Npgsql;

namespace DouyinEtl.Benchmarks.Performance;

/// <summary>
/// Peak resident memory (the kernel's VmHWM) of a real <c>douyin-etl run item-list</c> process doing the first full
/// sync of 10,000 and of 100,000 works (4 accounts, two years, months over 1,000 works split), against a sandbox
/// without latency or rate limit so the worker is as busy as it gets. Goal: flat (100k ≤ 1.2 × 10k) and ≤ 300 MB.
/// </summary>
internal static class MemoryBenchmark
{
    private const int Accounts = 4;

    public static async Task RunAsync(BenchWarehouse warehouse)
    {
        Bench.Heading("peak memory of a child `douyin-etl run item-list`, first full sync, no latency or rate limit");
        var peaks = new List<double>();
        var planningPeaks = new List<double>();
        var sizes = (Environment.GetEnvironmentVariable("DOUYIN_BENCH_MEMORY_WORKS") ?? "10000,100000").Split(',').Select(w => int.Parse(w, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        foreach (var works in sizes)
        {
            var options = new SandboxOptions
            {
                Accounts = Accounts,
                ItemsPerAccount = works / Accounts,
                ForwardDays = 0,
                RequestsPerSecondPerKey = 0,
                RequestsPerSecondPerEndpoint = 0,
            };
            await using var sandbox = await SandboxServer.StartAsync(options);
            var connectionString = await warehouse.CreateDatabaseAsync();
            var settings = BenchWarehouse.WorkerSettings(sandbox, connectionString);
            settings["TikHub:RequestsPerSecond"] = "1000";
            settings["TikHub:RequestsPerSecondPerEndpoint"] = "1000";
            var load = Bench.LoadAverage();
            using var child = WorkerChild.Start(settings, "run", "item-list");
            var (exitCode, peak) = await child.WaitWithPeakAsync(TimeSpan.FromMinutes(20));
            var wall = child.Elapsed;

            await using var connection = new NpgsqlConnection(connectionString);
            var landed = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM douyin.item");
            var truth = sandbox.World.AllVisibleItems(sandbox.State.Clock.GetUtcNow()).LongCount();
            peaks.Add(peak);
            Bench.Line($"{truth,8:N0} works ({landed:N0} landed, exit {exitCode}): peak RSS {peak,6:0} MiB, {sandbox.Calls.TotalBilled:N0} calls in {wall.TotalSeconds:0.0} s  [load {load} → {Bench.LoadAverage()}]");

            // item-analytics plans every due work × endpoint of the catalog at once; capped, it fetches only a few of them.
            settings["ItemAnalytics:MaxItemsPerRun"] = "20";
            var billedBefore = sandbox.Calls.TotalBilled;
            using var analytics = WorkerChild.Start(settings, "run", "item-analytics");
            var (analyticsExit, analyticsPeak) = await analytics.WaitWithPeakAsync(TimeSpan.FromMinutes(20));
            var due = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM douyin.item WHERE publish_time > now() - interval '90 days'");
            planningPeaks.Add(analyticsPeak);
            Bench.Line($"{"",8}   then `run item-analytics` planning {due:N0} works in the horizon × 9 endpoint calls, fetching 20 works (exit {analyticsExit}): peak RSS {analyticsPeak,6:0} MiB, {sandbox.Calls.TotalBilled - billedBefore:N0} calls in {analytics.Elapsed.TotalSeconds:0.0} s");
        }

        var growth = peaks[^1] / peaks[0];
        Bench.Line($"item-list, {sizes[^1] / 1000}k ÷ {sizes[0] / 1000}k peak: {growth:0.00}×  {Bench.Goal(growth <= 1.2 && peaks.Max() <= 300 * 1_000_000 / (1024.0 * 1024))} (≤ 1.2× and ≤ 300 MB)");
        Bench.Line($"item-analytics planning, {sizes[^1] / 1000}k ÷ {sizes[0] / 1000}k peak: {planningPeaks[^1] / planningPeaks[0]:0.00}×");
    }
}
