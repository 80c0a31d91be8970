using System.Globalization;
using Dapper;
using DouyinEtl.Runs;
using DouyinEtl.Sandbox;
using Npgsql;

namespace DouyinEtl.Benchmarks.Performance;

/// <summary>
/// Issue 14's S1 and S2 with several processes, against a sandbox that limits each key to 10 calls/s and 5/s per
/// endpoint (latency 100 ms) and counts what it refused as over the limit.
/// S1: two processes running different jobs (item-analytics and item-analysis) on one key at once: over-limit calls
/// (goal 0) and the combined rate while both run ÷ the key's rate (goal ≥ 0.9).
/// S2: one item-analytics first sync shared by two `run --share` processes over a pool of 1, 2 and 4 keys: wall time
/// (first start to last end, as etl.run records them) ÷ max(calls ÷ (10 × keys), busiest endpoint ÷ (5 × keys)), goal ≤ 1.10;
/// the youngest 60 works per key, so each pool has about 45 s of calls.
/// </summary>
internal static class ReplicasBenchmark
{
    private const double PerKey = 10;
    private const double PerEndpoint = 5;

    public static async Task RunS1Async(BenchWarehouse warehouse)
    {
        Bench.Heading("S1 two processes, different jobs (item-analytics, item-analysis), one key: 10/s per key, 5/s per endpoint, latency 100 ms");
        var (sandbox, settings, connectionString) = await PrepareAsync(warehouse, keys: 1);
        await using (sandbox)
        {
            // Two years of content analysis in 30-day windows, so that both jobs have calls to make for a while side by side.
            settings["ItemAnalysis:HistoryDays"] = "720";
            settings["ItemAnalysis:WindowDays"] = "30";
            var load = Bench.LoadAverage();
            var exits = await RunTogetherAsync(settings, ["run", "item-analytics"], ["run", "item-analysis"]);
            await using var connection = new NpgsqlConnection(connectionString);
            var overlap = await connection.QuerySingleAsync<(DateTime From, DateTime To)>(
                "SELECT max(started_at), min(finished_at) FROM etl.run WHERE job IN ('item-analytics', 'item-analysis')");
            var seconds = (overlap.To - overlap.From).TotalSeconds;
            var calls = await connection.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM raw.api_call WHERE stream IN ('item-analytics', 'item-analysis') AND http_status IS NOT NULL AND requested_at >= @From AND requested_at < @To",
                new { overlap.From, overlap.To });
            var byJob = await connection.QueryAsync<(string Job, long Calls)>(
                "SELECT stream, count(*) FROM raw.api_call WHERE stream IN ('item-analytics', 'item-analysis') AND http_status IS NOT NULL AND requested_at >= @From AND requested_at < @To GROUP BY 1 ORDER BY 1",
                new { overlap.From, overlap.To });
            var rate = seconds > 0 ? calls / seconds : 0;
            var overLimit = sandbox.Calls.TotalOverLimit;
            Bench.Line($"  both running {seconds:0.0} s: {calls} calls ({string.Join(", ", byJob.Select(j => $"{j.Job} {j.Calls}"))}), combined {rate:0.00}/s = {rate / PerKey:0.000} × the key's rate  {Bench.Goal(rate / PerKey >= 0.9)} (≥ 0.9)");
            Bench.Line($"  over the limit, counted by the sandbox: {overLimit}  {Bench.Goal(overLimit == 0)} (0); exits {string.Join(',', exits)}  [load {load}]");
        }
    }

    public static async Task RunS2Async(BenchWarehouse warehouse)
    {
        Bench.Heading("S2 one item-analytics first sync shared by 2 processes (run --share) over a pool of 1, 2 and 4 keys: each key 10/s and 5/s per endpoint, latency 100 ms");
        foreach (var keys in new[] { 1, 2, 4 })
        {
            var (sandbox, settings, connectionString) = await PrepareAsync(warehouse, keys);
            await using (sandbox)
            {
                // As many works as keys, so that every pool has about 45 s of calls: a process's start and planning
                // (a few seconds) would otherwise weigh on the larger pools' shorter runs.
                settings["ItemAnalytics:MaxItemsPerRun"] = (60 * keys).ToString(CultureInfo.InvariantCulture);
                var before = sandbox.Calls.Snapshot();
                var load = Bench.LoadAverage();
                var exits = await RunTogetherAsync(settings, ["run", "item-analytics", "--share"], ["run", "item-analytics", "--share"]);
                var billed = sandbox.Calls.Snapshot()
                    .Select(e => e.Value.Billed - (before.TryGetValue(e.Key, out var b) ? b.Billed : 0))
                    .Where(c => c > 0)
                    .ToList();
                await using var connection = new NpgsqlConnection(connectionString);
                var wall = await connection.ExecuteScalarAsync<double>(
                    "SELECT extract(epoch FROM max(finished_at) - min(started_at)) FROM etl.run WHERE job = 'item-analytics'");
                var distinct = await connection.ExecuteScalarAsync<long>(
                    "SELECT count(DISTINCT (endpoint, request::text)) FROM raw.api_call WHERE stream = 'item-analytics' AND http_status = 200");
                var units = await connection.QueryAsync<long>("SELECT units_done FROM etl.run WHERE job = 'item-analytics' ORDER BY run_id");
                var ideal = Math.Max(billed.Sum() / (PerKey * keys), billed.DefaultIfEmpty(0).Max() / (PerEndpoint * keys));
                var ratio = wall / ideal;
                Bench.Line($"  {keys} key(s): {billed.Sum(),4} billed ({billed.Sum() - distinct} paid twice), ideal {ideal,6:0.00} s, wall {wall,6:0.00} s, ratio {ratio:0.000}, over limit {sandbox.Calls.TotalOverLimit}, units per process {string.Join('+', units)}, exits {string.Join(',', exits)}  {Bench.Goal(ratio <= 1.10)} (≤ 1.10)  [load {load}]");
            }
        }
    }

    /// <summary>A sandbox whose keys are limited, a warehouse whose works item-list landed, and the settings of a pool of <paramref name="keys"/>.</summary>
    private static async Task<(SandboxServer Sandbox, Dictionary<string, string?> Settings, string ConnectionString)> PrepareAsync(BenchWarehouse warehouse, int keys)
    {
        var secrets = Enumerable.Range(0, keys).Select(i => $"thk_bench_{i}_0123456789abcdef").ToList();
        var sandbox = await SandboxServer.StartAsync(new SandboxOptions
        {
            Accounts = 2,
            ItemsPerAccount = 600,
            Latency = TimeSpan.FromMilliseconds(100),
            RequestsPerSecondPerKey = PerKey,
            RequestsPerSecondPerEndpoint = PerEndpoint,
            ApiKey = secrets[0],
            ApiKeys = secrets,
        });
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
        settings["Sync:Concurrency"] = (4 * keys).ToString(CultureInfo.InvariantCulture);
        using (var itemList = WorkerChild.Start(settings, "run", "item-list"))
        {
            await itemList.WaitWithPeakAsync(TimeSpan.FromMinutes(10));
        }

        settings["ItemAnalytics:MaxItemsPerRun"] = "60";
        sandbox.Calls.Reset();
        return (sandbox, settings, connectionString);
    }

    private static async Task<List<int>> RunTogetherAsync(Dictionary<string, string?> settings, params string[][] commands)
    {
        var children = commands.Select(command => WorkerChild.Start(settings, command)).ToList();
        var exits = new List<int>();
        foreach (var child in children)
        {
            exits.Add((await child.WaitWithPeakAsync(TimeSpan.FromMinutes(20))).ExitCode);
            child.Dispose();
        }

        return exits;
    }
}
