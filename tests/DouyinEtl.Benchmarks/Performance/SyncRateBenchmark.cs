using DouyinEtl.Sandbox;
using DouyinEtl.Sandbox.Hosting;
using Microsoft.Extensions.DependencyInjection;
using DouyinEtl.Sync;

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
        Bench.Line($"world: 4 accounts × 1,200 works over two years (+1,100 in one month of one account), mixed payload shapes; item-analytics capped at the {AnalyticsWorks} youngest works; Sync:Concurrency 4 (default); {repeats} run(s)");
        var results = new List<JobResult>();
        for (var repeat = 1; repeat <= repeats; repeat++)
        {
            var options = new SandboxOptions
            {
                Accounts = 4,
                ItemsPerAccount = 1200,
                BurstItems = 1100,
                Variant = PayloadVariant.Mixed,
                Latency = TimeSpan.FromMilliseconds(100),
                RequestsPerSecondPerKey = PerKey,
                RequestsPerSecondPerEndpoint = PerEndpoint,
                FixedNow = Now,
            };
            await using var sandbox = await SandboxServer.StartAsync(options);
            var settings = BenchWarehouse.WorkerSettings(sandbox, await warehouse.CreateDatabaseAsync());
            settings["TikHub:RequestsPerSecond"] = PerKey.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings["TikHub:RequestsPerSecondPerEndpoint"] = PerEndpoint.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings["ItemAnalytics:MaxItemsPerRun"] = AnalyticsWorks.ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var worker = await BenchWarehouse.StartWorkerAsync(settings, sandbox.State.Clock);
            foreach (var job in worker.Services.GetRequiredService<JobRunner>().Jobs)
            {
                var before = sandbox.Calls.Snapshot();
                var load = Bench.LoadAverage();
                var summary = await BenchWarehouse.RunJobAsync(worker, job.Name);
                var billed = Billed(before, sandbox.Calls.Snapshot());
                var result = new JobResult(repeat, job.Name, billed, summary.Duration.TotalSeconds, summary.Counters.Throttled, summary.Outcome.ToString(), load);
                results.Add(result);
                Bench.Line($"  run {repeat} {job.Name,-17} {result.Calls,5} billed calls  ideal {result.Ideal,6:0.00} s  wall {result.Wall,6:0.00} s  ratio {result.Ratio:0.000}  429s {result.Throttled}  {result.Outcome}  [load {load}]");
            }
        }

        Bench.Line($"");
        Bench.Line($"{"job",-17} {"calls",6} {"busiest endpoint",-40} {"ideal s",8} {"wall s (median)",16}  wall ÷ ideal");
        foreach (var job in results.GroupBy(r => r.Job))
        {
            var first = job.First();
            var busiest = first.ByEndpoint.MaxBy(e => e.Value);
            Bench.Line($"{job.Key,-17} {first.Calls,6} {$"{busiest.Key} {busiest.Value}",-40} {first.Ideal,8:0.00} {Bench.Median(job.Select(r => r.Wall)),16:0.00}  {Bench.Spread([.. job.Select(r => r.Ratio)], "0.000")}  {Bench.Goal(Bench.Median(job.Select(r => r.Ratio)) <= 1.10)}");
        }

        var overall = results.GroupBy(r => r.Repeat).Select(run => run.Sum(r => r.Wall) / run.Sum(r => r.Ideal)).ToList();
        Bench.Line($"{"all jobs",-17} {results.Where(r => r.Repeat == 1).Sum(r => r.Calls),6} {"",-40} {results.Where(r => r.Repeat == 1).Sum(r => r.Ideal),8:0.00} {Bench.Median(results.GroupBy(r => r.Repeat).Select(run => run.Sum(r => r.Wall))),16:0.00}  {Bench.Spread(overall, "0.000")}  {Bench.Goal(Bench.Median(overall) <= 1.10)}");
    }

    private static Dictionary<string, long> Billed(IReadOnlyDictionary<string, EndpointCallsSnapshot> before, IReadOnlyDictionary<string, EndpointCallsSnapshot> after) =>
        after.Select(e => (e.Key, Calls: e.Value.Billed - (before.TryGetValue(e.Key, out var b) ? b.Billed : 0)))
            .Where(e => e.Calls > 0)
            .ToDictionary(e => e.Key, e => e.Calls, StringComparer.Ordinal);

    private sealed record JobResult(int Repeat, string Job, Dictionary<string, long> ByEndpoint, double Wall, long Throttled, string Outcome, string Load)
    {
        public long Calls => ByEndpoint.Values.Sum();

        /// <summary>The least time the limits allow for these calls.</summary>
        public double Ideal => Math.Max(Calls / PerKey, ByEndpoint.Values.DefaultIfEmpty(0).Max() / PerEndpoint);

        public double Ratio => Ideal == 0 ? double.NaN : Wall / Ideal;
    }
}
