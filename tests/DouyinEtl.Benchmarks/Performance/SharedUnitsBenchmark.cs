using System.Globalization;
using Dapper;
using DouyinEtl.Runs;
using DouyinEtl.Sandbox;
using DouyinEtl.Sandbox.Hosting;
using Npgsql;

namespace DouyinEtl.Benchmarks.Performance;

/// <summary>
/// S2 (issue 14), one key: one item-analytics first sync run by one process, then shared by two `run --share`
/// processes, against a sandbox that enforces 10 calls/s per key and 5/s per endpoint and answers after 100 ms. The
/// figure is wall time (first run's start to last run's end, as etl.run records them) ÷ the least the key's limits
/// allow for the calls paid: max(calls ÷ 10, busiest endpoint's calls ÷ 5). Two processes each pacing at the key's
/// full rate ask for twice what it allows (until the quota is shared through PostgreSQL); the third row has each pace
/// at half the key's rate.
/// </summary>
internal static class SharedUnitsBenchmark
{
    private const double PerKey = 10;
    private const double PerEndpoint = 5;
    private const int AnalyticsWorks = 60;

    public static async Task RunAsync(BenchWarehouse warehouse, int repeats)
    {
        Bench.Heading("S2 one item-analytics first sync shared by processes (run --share), one key: 10/s per key, 5/s per endpoint, latency 100 ms");
        Bench.Line($"2 accounts × 600 works, item-analytics capped at the {AnalyticsWorks} youngest works, Sync:Concurrency 4 per process; {repeats} run(s)");
        var setups = new (string Label, int Processes, double PacePerProcess)[]
        {
            ("1 process, paced at 10/s", 1, PerKey),
            ("2 processes --share, each paced at 10/s", 2, PerKey),
            ("2 processes --share, each paced at 5/s", 2, PerKey / 2),
        };
        foreach (var (label, processes, pace) in setups)
        {
            var ratios = new List<double>();
            for (var repeat = 1; repeat <= repeats; repeat++)
            {
                var result = await RunOnceAsync(warehouse, processes, pace);
                ratios.Add(result.Ratio);
                Bench.Line($"  {label,-42} run {repeat}: {result.Calls,4} billed ({result.Duplicates} paid twice), ideal {result.Ideal,6:0.00} s, wall {result.Wall,6:0.00} s, ratio {result.Ratio:0.000}, 429s {result.Throttled}, units per process {result.UnitsPerRun}, exits {result.Exits}  [load {result.Load}]");
            }

            Bench.Line($"{label,-44} wall ÷ ideal {Bench.Spread(ratios, "0.000")}  {Bench.Goal(Bench.Median(ratios) <= 1.10)} (≤ 1.10)");
        }
    }

    private static async Task<Result> RunOnceAsync(BenchWarehouse warehouse, int processes, double pacePerProcess)
    {
        var options = new SandboxOptions
        {
            Accounts = 2,
            ItemsPerAccount = 600,
            Latency = TimeSpan.FromMilliseconds(100),
            RequestsPerSecondPerKey = PerKey,
            RequestsPerSecondPerEndpoint = PerEndpoint,
        };
        await using var sandbox = await SandboxServer.StartAsync(options);
        var connectionString = await warehouse.CreateDatabaseAsync();
        var settings = BenchWarehouse.WorkerSettings(sandbox, connectionString);
        settings["TikHub:RequestsPerSecond"] = PerKey.ToString(CultureInfo.InvariantCulture);
        settings["TikHub:RequestsPerSecondPerEndpoint"] = PerEndpoint.ToString(CultureInfo.InvariantCulture);
        using (var itemList = WorkerChild.Start(settings, "run", "item-list"))
        {
            await itemList.WaitWithPeakAsync(TimeSpan.FromMinutes(10));
        }

        settings["ItemAnalytics:MaxItemsPerRun"] = AnalyticsWorks.ToString(CultureInfo.InvariantCulture);
        settings["TikHub:RequestsPerSecond"] = pacePerProcess.ToString(CultureInfo.InvariantCulture);
        settings["TikHub:RequestsPerSecondPerEndpoint"] = Math.Min(PerEndpoint, pacePerProcess).ToString(CultureInfo.InvariantCulture);
        var before = sandbox.Calls.Snapshot();
        var load = Bench.LoadAverage();
        var children = Enumerable.Range(0, processes).Select(_ => WorkerChild.Start(settings, "run", "item-analytics", "--share")).ToList();
        var exits = new List<int>();
        foreach (var child in children)
        {
            exits.Add((await child.WaitWithPeakAsync(TimeSpan.FromMinutes(20))).ExitCode);
            child.Dispose();
        }

        var after = sandbox.Calls.Snapshot();
        await using var connection = new NpgsqlConnection(connectionString);
        var wall = await connection.ExecuteScalarAsync<double>(
            "SELECT extract(epoch FROM max(finished_at) - min(started_at)) FROM etl.run WHERE job = 'item-analytics'");
        var requests = await connection.ExecuteScalarAsync<long>(
            "SELECT count(DISTINCT (endpoint, request::text)) FROM raw.api_call WHERE stream = 'item-analytics' AND http_status = 200");
        var units = await connection.QueryAsync<long>("SELECT units_done FROM etl.run WHERE job = 'item-analytics' ORDER BY run_id");
        var billed = after.ToDictionary(e => e.Key, e => e.Value.Billed - (before.TryGetValue(e.Key, out var b) ? b.Billed : 0), StringComparer.Ordinal);
        var throttled = after.Sum(e => e.Value.Throttled - (before.TryGetValue(e.Key, out var b) ? b.Throttled : 0));
        return new Result(billed, billed.Values.Sum() - requests, wall, throttled, string.Join('+', units), string.Join(',', exits), load);
    }

    private sealed record Result(Dictionary<string, long> ByEndpoint, long Duplicates, double Wall, long Throttled, string UnitsPerRun, string Exits, string Load)
    {
        public long Calls => ByEndpoint.Values.Sum();

        public double Ideal => Math.Max(Calls / PerKey, ByEndpoint.Values.DefaultIfEmpty(0).Max() / PerEndpoint);

        public double Ratio => Wall / Ideal;
    }
}
