using DouyinEtl.Runs;
using DouyinEtl.Sandbox;
using DouyinEtl.Sandbox.Hosting;
using DouyinEtl.Sync;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace DouyinEtl.Benchmarks.Performance;

/// <summary>
/// What the default refresh policy costs: every job on its default daemon schedule (appsettings.json's
/// <c>Daemon:Jobs:*:Cron</c>, Asia/Shanghai) over simulated days, the clock frozen at each fire and stepped to the next,
/// in a world where accounts keep publishing. Paid calls per work and day, against the naive plan that asks every
/// per-work endpoint (seven, the watch trend three times) for every published work every day. Goal: ≤ 0.2.
/// </summary>
internal static class RefreshCostBenchmark
{
    private const int Accounts = 2;
    private const int WorksPerAccount = 1200;

    /// <summary>overview, play source, search keywords, watch trend × 3, audience portrait, audience others, danmaku.</summary>
    private const int NaiveCallsPerWorkDay = 9;

    private static readonly string[] ItemJobs = ["item-list", "item-export", "item-analytics"];

    public static async Task RunAsync(BenchWarehouse warehouse, int days)
    {
        Bench.Heading($"paid calls per work-day under the default schedule and refresh policy, {days} simulated days");
        var start = new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.FromHours(8));
        var options = new SandboxOptions
        {
            Accounts = Accounts,
            ItemsPerAccount = WorksPerAccount,
            ForwardDays = days + 30,
            RequestsPerSecondPerKey = 0,
            RequestsPerSecondPerEndpoint = 0,
            FixedNow = start,
        };
        await using var sandbox = await SandboxServer.StartAsync(options);
        var settings = BenchWarehouse.WorkerSettings(sandbox, await warehouse.CreateDatabaseAsync());
        settings["TikHub:RequestsPerSecond"] = "1000";
        settings["TikHub:RequestsPerSecondPerEndpoint"] = "1000";
        using var worker = await BenchWarehouse.StartWorkerAsync(settings, sandbox.State.Clock);
        var jobs = worker.Services.GetRequiredService<JobRunner>().Jobs.Select(j => j.Name).ToList();
        var configuration = worker.Services.GetRequiredService<IConfiguration>();
        Bench.Line($"world: {Accounts} accounts × {WorksPerAccount:N0} works over two years (~{WorksPerAccount / 730.0:0.0} new works a day each, still publishing); schedule: {string.Join(", ", jobs.Select(j => $"{j} '{configuration[$"Daemon:Jobs:{j}:Cron"]}'"))}");

        // Day 0: the first sync of everything (history), not part of the steady state measured below.
        sandbox.State.Clock.Set(start);
        foreach (var job in jobs)
        {
            await BenchWarehouse.RunJobAsync(worker, job);
        }

        var firstSync = sandbox.Calls.TotalBilled;
        var fires = jobs
            .SelectMany(job => Fires(configuration[$"Daemon:Jobs:{job}:Cron"]!, start, start.AddDays(days)).Select(at => (At: at, Job: job)))
            .OrderBy(f => f.At)
            .ThenBy(f => jobs.IndexOf(f.Job))
            .ToList();
        var billed = jobs.ToDictionary(j => j, _ => 0L);
        var load = Bench.LoadAverage();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        foreach (var (at, job) in fires)
        {
            sandbox.State.Clock.Set(at);
            var before = sandbox.Calls.TotalBilled;
            await BenchWarehouse.RunJobAsync(worker, job);
            billed[job] += sandbox.Calls.TotalBilled - before;
        }

        var workDays = Enumerable.Range(1, days).Sum(d => (long)sandbox.World.AllVisibleItems(start.AddDays(d)).Count());
        var horizonWorkDays = Enumerable.Range(1, days).Sum(d => (long)sandbox.World.AllVisibleItems(start.AddDays(d)).Count(i => i.PublishTime > start.AddDays(d - 90)));
        var naive = workDays * NaiveCallsPerWorkDay;
        Bench.Line($"first sync (day 0): {firstSync:N0} calls; then {fires.Count:N0} scheduled runs over {days} days in {watch.Elapsed.TotalSeconds:0} s  [load {load} → {Bench.LoadAverage()}]");
        foreach (var job in jobs)
        {
            Bench.Line($"  {job,-17} {billed[job],7:N0} calls = {billed[job] / (double)days,7:0.0} a day");
        }

        var itemCalls = ItemJobs.Sum(j => billed[j]);
        var ratio = itemCalls / (double)naive;
        Bench.Line($"work-days: {workDays:N0} (works published by each day, summed); naive plan {naive:N0} calls ({NaiveCallsPerWorkDay} per work-day)");
        Bench.Line($"per-work jobs ({string.Join(" + ", ItemJobs)}): {itemCalls:N0} calls = {itemCalls / (double)workDays:0.000} per work-day; ÷ naive = {ratio:0.000}  {Bench.Goal(ratio <= 0.2)}");
        Bench.Line($"all jobs (+ account-level): {billed.Values.Sum():N0} calls; ÷ naive = {billed.Values.Sum() / (double)naive:0.000}");
        Bench.Line($"inside the 90-day horizon only (the works the API still has per-work data for): item-analytics {billed["item-analytics"]:N0} calls ÷ ({horizonWorkDays:N0} work-days × {NaiveCallsPerWorkDay}) = {billed["item-analytics"] / (double)(horizonWorkDays * NaiveCallsPerWorkDay):0.000}");
    }

    private static IEnumerable<DateTimeOffset> Fires(string cron, DateTimeOffset after, DateTimeOffset until)
    {
        var expression = new CronExpression(cron, ShanghaiTime.Zone);
        var next = expression.GetNextValidTimeAfter(after);
        while (next is { } fire && fire <= until)
        {
            yield return fire;
            next = expression.GetNextValidTimeAfter(fire);
        }
    }
}
