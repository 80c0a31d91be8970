using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Dapper;
using DouyinEtl.Sandbox;
using DouyinEtl.Sandbox.Endpoints;
using DouyinEtl.Sandbox.Hosting;
using DouyinEtl.Sandbox.World;
using DouyinEtl.Streams.ItemExport;
using DouyinEtl.Sync;
using DouyinEtl.Upstream;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DouyinEtl.Benchmarks.Performance;

/// <summary>
/// Every job's first sync of a demo-sized world against a sandbox that answers after 100 ms, under TikHub's default
/// limits (10 calls/s per key, 5/s per endpoint, enforced by the sandbox too). A job's ideal time is the least the
/// limits allow for the calls it paid for: max(calls ÷ 10, busiest endpoint's calls ÷ 5) — a job on one endpoint is
/// held to 5/s, one spread over several endpoints to 10/s. The figure is wall time ÷ ideal (goal ≤ 1.10).
/// </summary>
internal static class SyncRateBenchmark
{
    public static readonly DateTimeOffset Now = new(2026, 11, 20, 10, 30, 0, TimeSpan.Zero);
    private const double PerKey = 10;
    private const double PerEndpoint = 5;
    private const int AnalyticsWorks = 40;

    public static async Task RunAsync(BenchWarehouse warehouse, int repeats)
    {
        Bench.Heading("end-to-end first sync, sandbox latency 100 ms, limits 10/s per key and 5/s per endpoint");
        Bench.Line($"every job on 4 accounts × 1,200 works over two years (+1,100 in one month of one account), mixed payload shapes, item-analytics capped at the {AnalyticsWorks} youngest works; then item-list alone on one account of 10,000 works; Sync:Concurrency 4 (default); {repeats} run(s)");
        WarmUpSandboxWorkbooks();
        var results = new List<JobResult>();
        for (var repeat = 1; repeat <= repeats; repeat++)
        {
            var demo = new SandboxOptions { Accounts = 4, ItemsPerAccount = 1200, BurstItems = 1100, Variant = PayloadVariant.Mixed };
            results.AddRange(await RunJobsAsync(warehouse, repeat, demo, null));

            // One big account: its months hold hundreds of works, paged one cursor after another.
            var big = new SandboxOptions { Accounts = 1, ItemsPerAccount = 10_000, Variant = PayloadVariant.RealWorld };
            results.AddRange(await RunJobsAsync(warehouse, repeat, big, "item-list"));
        }

        Bench.Line($"");
        Bench.Line($"{"job",-34} {"calls",6} {"busiest endpoint",-40} {"ideal s",8} {"wall s (median)",16}  wall ÷ ideal");
        foreach (var job in results.GroupBy(r => r.Job))
        {
            var first = job.First();
            var busiest = first.ByEndpoint.MaxBy(e => e.Value);
            Bench.Line($"{job.Key,-34} {first.Calls,6} {$"{busiest.Key} {busiest.Value}",-40} {first.Ideal,8:0.00} {Bench.Median(job.Select(r => r.Wall)),16:0.00}  {Bench.Spread([.. job.Select(r => r.Ratio)], "0.000")}  {Bench.Goal(Bench.Median(job.Select(r => r.Ratio)) <= 1.10)}");
        }

        var overall = results.GroupBy(r => r.Repeat).Select(run => run.Sum(r => r.Wall) / run.Sum(r => r.Ideal)).ToList();
        Bench.Line($"{"all jobs",-34} {results.Where(r => r.Repeat == 1).Sum(r => r.Calls),6} {"",-40} {results.Where(r => r.Repeat == 1).Sum(r => r.Ideal),8:0.00} {Bench.Median(results.GroupBy(r => r.Repeat).Select(run => run.Sum(r => r.Wall))),16:0.00}  {Bench.Spread(overall, "0.000")}  {Bench.Goal(Bench.Median(overall) <= 1.10)}");
    }

    private static async Task<List<JobResult>> RunJobsAsync(BenchWarehouse warehouse, int repeat, SandboxOptions options, string? onlyJob)
    {
        options.Latency = TimeSpan.FromMilliseconds(100);
        options.RequestsPerSecondPerKey = PerKey;
        options.RequestsPerSecondPerEndpoint = PerEndpoint;
        options.FixedNow = Now;
        await using var sandbox = await SandboxServer.StartAsync(options);
        var connectionString = await warehouse.CreateDatabaseAsync();
        var settings = BenchWarehouse.WorkerSettings(sandbox, connectionString);
        settings["TikHub:RequestsPerSecond"] = PerKey.ToString(CultureInfo.InvariantCulture);
        settings["TikHub:RequestsPerSecondPerEndpoint"] = PerEndpoint.ToString(CultureInfo.InvariantCulture);
        settings["ItemAnalytics:MaxItemsPerRun"] = AnalyticsWorks.ToString(CultureInfo.InvariantCulture);
        using var worker = await BenchWarehouse.StartWorkerAsync(settings, sandbox.State.Clock);
        var results = new List<JobResult>();
        foreach (var job in worker.Services.GetRequiredService<JobRunner>().Jobs.Where(j => onlyJob is null || j.Name == onlyJob))
        {
            var before = sandbox.Calls.Snapshot();
            var load = Bench.LoadAverage();
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var summary = await BenchWarehouse.RunJobAsync(worker, job.Name);
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
            var label = onlyJob is null ? job.Name : $"{job.Name} (1 account, {options.ItemsPerAccount / 1000}k works)";
            var result = new JobResult(repeat, label, Billed(before, sandbox.Calls.Snapshot()), summary.Duration.TotalSeconds, summary.Counters.Throttled, summary.Outcome.ToString());
            results.Add(result);
            var sandboxCpu = job.Name == ItemExportSync.Stream ? $" (the sandbox writing its workbooks: {await WorkbookSecondsAsync(sandbox, connectionString):0.00} s of it)" : "";
            Bench.Line($"  run {repeat} {label,-34} {result.Calls,5} billed calls  ideal {result.Ideal,6:0.00} s  wall {result.Wall,6:0.00} s  ratio {result.Ratio:0.000}  429s {result.Throttled}  {result.Outcome}  CPU {cpu:0.00} s{sandboxCpu}  [load {load}]");
        }

        return results;
    }

    /// <summary>
    /// The sandbox writes each export with ClosedXML in this process: its first workbook's JIT is the fake's cost, not
    /// the worker's, so it is paid before measuring. The worker's own first read stays in run 1 (a fresh `run` process
    /// pays it every time); later runs reuse this process's JIT, as the daemon does.
    /// </summary>
    private static void WarmUpSandboxWorkbooks()
    {
        var world = new SandboxWorld(new SandboxOptions { Accounts = 1, ItemsPerAccount = 200, ForwardDays = 0 }, ShanghaiClock.Day(Now));
        var sheet = ItemExportSheet.Build(world, world.Accounts[0], new ExportQuery(0, Now.ToUnixTimeMilliseconds(), ExportQuery.AllGenres, true), Now);
        GC.KeepAlive(ItemExportEndpoint.Write(sheet));
    }

    /// <summary>How long the sandbox takes to build and write the workbooks the item-export job asked for (timed again here, alone).</summary>
    private static async Task<double> WorkbookSecondsAsync(SandboxServer sandbox, string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        var requests = await connection.QueryAsync<(string AccountId, string Request)>(
            "SELECT account_id, request::text FROM raw.api_call WHERE endpoint = @endpoint AND http_status = 200", new { endpoint = UpstreamEndpoints.ItemListDownload });
        var watch = Stopwatch.StartNew();
        foreach (var (accountId, request) in requests)
        {
            var body = JsonNode.Parse(request)!;
            var query = new ExportQuery(
                body["min_cursor"]!.GetValue<long>(),
                body["max_cursor"]!.GetValue<long>(),
                [.. body["type_filters"]!.AsArray().Select(t => t!.GetValue<long>())],
                body["need_long_article"]!.GetValue<bool>());
            GC.KeepAlive(ItemExportEndpoint.Write(ItemExportSheet.Build(sandbox.World, sandbox.World.FindById(accountId)!, query, Now)));
        }

        return watch.Elapsed.TotalSeconds;
    }

    private static Dictionary<string, long> Billed(IReadOnlyDictionary<string, EndpointCallsSnapshot> before, IReadOnlyDictionary<string, EndpointCallsSnapshot> after) =>
        after.Select(e => (e.Key, Calls: e.Value.Billed - (before.TryGetValue(e.Key, out var b) ? b.Billed : 0)))
            .Where(e => e.Calls > 0)
            .ToDictionary(e => e.Key, e => e.Calls, StringComparer.Ordinal);

    private sealed record JobResult(int Repeat, string Job, Dictionary<string, long> ByEndpoint, double Wall, long Throttled, string Outcome)
    {
        public long Calls => ByEndpoint.Values.Sum();

        /// <summary>The least time the limits allow for these calls.</summary>
        public double Ideal => Math.Max(Calls / PerKey, ByEndpoint.Values.DefaultIfEmpty(0).Max() / PerEndpoint);

        public double Ratio => Ideal == 0 ? double.NaN : Wall / Ideal;
    }
}
