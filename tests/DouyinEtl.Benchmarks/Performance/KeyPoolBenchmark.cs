using System.Globalization;
using DouyinEtl.Sandbox;

namespace DouyinEtl.Benchmarks.Performance;

/// <summary>
/// Issue 14's S2 for one process: item-analytics' first sync with a pool of 1, 2 and 4 keys, the sandbox limiting each
/// key to 10/s and 5/s per endpoint (latency 100 ms). Ideal = max(calls ÷ (10 × keys), busiest endpoint's calls ÷
/// (5 × keys)); the figure is wall ÷ ideal (goal ≤ 1.10). Two replicas sharing one job's units need item 4 (unit
/// claiming), not measured here.
/// </summary>
internal static class KeyPoolBenchmark
{
    private const double PerKey = 10;
    private const double PerEndpoint = 5;

    public static async Task RunAsync(BenchWarehouse warehouse)
    {
        Bench.Heading("S2 key pool: item-analytics first sync, 1 process, 1/2/4 keys, each 10/s and 5/s per endpoint, latency 100 ms");
        foreach (var keys in new[] { 1, 2, 4 })
        {
            var secrets = Enumerable.Range(0, keys).Select(i => $"thk_bench_{i}_0123456789abcdef").ToList();
            var options = new SandboxOptions
            {
                Accounts = 2,
                ItemsPerAccount = 300,
                Variant = PayloadVariant.RealWorld,
                Latency = TimeSpan.FromMilliseconds(100),
                RequestsPerSecondPerKey = PerKey,
                RequestsPerSecondPerEndpoint = PerEndpoint,
                FixedNow = SyncRateBenchmark.Now,
                ApiKey = secrets[0],
                ApiKeys = secrets,
            };
            await using var sandbox = await SandboxServer.StartAsync(options);
            var connectionString = await warehouse.CreateDatabaseAsync();
            var settings = BenchWarehouse.WorkerSettings(sandbox, connectionString);
            settings["TikHub:ApiKey"] = null;
            for (var i = 0; i < keys; i++)
            {
                settings[$"TikHub:ApiKeys:{i}:Key"] = secrets[i];
                settings[$"TikHub:ApiKeys:{i}:Name"] = $"bench-{i}";
            }

            settings["TikHub:RequestsPerSecond"] = PerKey.ToString(CultureInfo.InvariantCulture);
            settings["TikHub:RequestsPerSecondPerEndpoint"] = PerEndpoint.ToString(CultureInfo.InvariantCulture);
            settings["ItemAnalytics:MaxItemsPerRun"] = "60";
            settings["Sync:Concurrency"] = (4 * keys).ToString(CultureInfo.InvariantCulture);
            using var worker = await BenchWarehouse.StartWorkerAsync(settings, sandbox.State.Clock);
            await BenchWarehouse.RunJobAsync(worker, "item-list");
            var before = sandbox.Calls.Snapshot();
            var load = Bench.LoadAverage();
            var summary = await BenchWarehouse.RunJobAsync(worker, "item-analytics");
            var billed = sandbox.Calls.Snapshot()
                .Select(e => e.Value.Billed - (before.TryGetValue(e.Key, out var b) ? b.Billed : 0))
                .Where(c => c > 0)
                .ToList();
            var ideal = Math.Max(billed.Sum() / (PerKey * keys), billed.DefaultIfEmpty(0).Max() / (PerEndpoint * keys));
            var ratio = summary.Duration.TotalSeconds / ideal;
            Bench.Line($"  {keys} key(s): {billed.Sum(),5} billed calls  ideal {ideal,6:0.00} s  wall {summary.Duration.TotalSeconds,6:0.00} s  ratio {ratio:0.000}  over limit {sandbox.Calls.TotalOverLimit}  429s {summary.Counters.Throttled}  {summary.Outcome}  {Bench.Goal(ratio <= 1.10)}  [load {load}]");
        }
    }
}
