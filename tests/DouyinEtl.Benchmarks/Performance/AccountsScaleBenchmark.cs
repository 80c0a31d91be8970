using System.Globalization;
using Dapper;
using DouyinEtl.Runs;
using DouyinEtl.Sandbox;
using Npgsql;

namespace DouyinEtl.Benchmarks.Performance;

/// <summary>
/// S4 of issue 14: 1,000 sandbox accounts × 200 works (two years), a sandbox without latency or rate limit so the
/// worker is as busy as it gets. Planning — <c>douyin-etl status</c>, what every job would do now, as a child process —
/// before the first sync and after it (goal ≤ 5 s), and the peak resident memory (VmHWM) of the child
/// <c>run item-list</c> (the first full sync) and <c>run item-analytics</c> capped by <c>Sync:MaxCallsPerRun</c> to
/// the calls of its first hour at 10 req/s (goal ≤ 300 MB).
/// <c>dotnet run -c Release --project tests/DouyinEtl.Benchmarks -- accounts-scale [accounts]</c>.
/// </summary>
internal static class AccountsScaleBenchmark
{
    private const int WorksPerAccount = 200;

    /// <summary>An hour at the key's 10 requests a second.</summary>
    private const int FirstHourCalls = 36_000;

    private const double MaxMiB = 300 * 1_000_000 / (1024.0 * 1024);

    public static async Task RunAsync(int accounts)
    {
        Bench.Heading($"S4 {accounts:N0} sandbox accounts × {WorksPerAccount} works: planning (`status`) and peak RSS of a run, no latency or rate limit");
        Bench.Line($"machine: {Bench.Machine()}; nproc {Environment.ProcessorCount}");
        await using var warehouse = await BenchWarehouse.StartAsync();
        var options = new SandboxOptions
        {
            Accounts = accounts,
            ItemsPerAccount = WorksPerAccount,
            ForwardDays = 0,
            RequestsPerSecondPerKey = 0,
            RequestsPerSecondPerEndpoint = 0,
        };
        await using var sandbox = await SandboxServer.StartAsync(options);
        var connectionString = await warehouse.CreateDatabaseAsync();
        await BenchWarehouse.MigrateAsync(connectionString);
        var settings = BenchWarehouse.WorkerSettings(sandbox, connectionString);
        settings["TikHub:RequestsPerSecond"] = "1000";
        settings["TikHub:RequestsPerSecondPerEndpoint"] = "1000";

        await StatusAsync("before the first sync", settings);
        if (Environment.GetEnvironmentVariable("DOUYIN_BENCH_S4") == "status")
        {
            // Planning only, in minutes instead of the half hour of a first item-list sync: the works the sandbox serves,
            // landed as the item list would land them (ids, accounts, publish times, types), then `status` again.
            var works = await LandWorksAsync(sandbox, connectionString);
            var afterLanding = await StatusAsync($"after landing the sandbox's {works:N0} works directly (no item-list run)", settings);
            Bench.Line($"item-analytics due units {afterLanding.Due("item-analytics"):N0}; each other job as before the sync (the works decide only item-analytics and item-export)");
            return;
        }


        var load = Bench.LoadAverage();
        using (var itemList = WorkerChild.Start(settings, "run", "item-list"))
        {
            var (exitCode, peak) = await itemList.WaitWithPeakAsync(TimeSpan.FromMinutes(30));
            await using var connection = new NpgsqlConnection(connectionString);
            var landed = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM douyin.item");
            var truth = sandbox.World.AllVisibleItems(sandbox.State.Clock.GetUtcNow()).LongCount();
            Bench.Line($"`run item-list`, first full sync: exit {exitCode}, {sandbox.Calls.TotalBilled:N0} calls in {itemList.Elapsed.TotalSeconds:0} s, {landed:N0} works landed of {truth:N0} served; peak RSS {peak:0} MiB  {Bench.Goal(peak <= MaxMiB && exitCode == 0 && landed == truth)} (≤ 300 MB)  [load {load} → {Bench.LoadAverage()}]");
        }

        var due = await StatusAsync("after it", settings);

        var cap = int.TryParse(Environment.GetEnvironmentVariable("DOUYIN_BENCH_MAX_CALLS"), CultureInfo.InvariantCulture, out var c) && c > 0 ? c : FirstHourCalls;
        settings["Sync:MaxCallsPerRun"] = cap.ToString(CultureInfo.InvariantCulture);
        var billedBefore = sandbox.Calls.TotalBilled;
        load = Bench.LoadAverage();
        using (var analytics = WorkerChild.Start(settings, echoErrors: false, "run", "item-analytics"))
        {
            var (exitCode, peak) = await analytics.WaitWithPeakAsync(TimeSpan.FromMinutes(60));
            await using var connection = new NpgsqlConnection(connectionString);
            var run = await connection.QuerySingleAsync<(string Status, long Calls, long UnitsDone, long UnitsFailed)>(
                "SELECT status, calls, units_done, units_failed FROM etl.run WHERE job = 'item-analytics' ORDER BY run_id DESC LIMIT 1");
            Bench.Line($"`run item-analytics`, Sync:MaxCallsPerRun {cap:N0} (its first hour at 10 req/s) of {due.Due("item-analytics"):N0} due units: exit {exitCode}, run {run.Status}, {sandbox.Calls.TotalBilled - billedBefore:N0} calls in {analytics.Elapsed.TotalSeconds:0} s, units done {run.UnitsDone:N0} failed {run.UnitsFailed:N0}; peak RSS {peak:0} MiB  {Bench.Goal(peak <= MaxMiB)} (≤ 300 MB)  [load {load} → {Bench.LoadAverage()}]");
        }

        await StatusAsync("after the capped item-analytics", settings);
    }

    /// <summary>The sandbox's visible works in douyin.item (and their accounts in douyin.account), by COPY.</summary>
    private static async Task<long> LandWorksAsync(SandboxServer sandbox, string connectionString)
    {
        var now = sandbox.State.Clock.GetUtcNow();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await connection.ExecuteAsync(
            "INSERT INTO douyin.account (account_id, display_name, first_seen_at, updated_at) SELECT id, id, now(), now() FROM unnest(@Ids) AS id ON CONFLICT DO NOTHING",
            new { Ids = sandbox.World.Accounts.Select(a => a.Id).ToArray() });
        long works = 0;
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY douyin.item (item_id, account_id, title, publish_time, publish_day, creator_type, duration_ms, review_status, is_public, first_seen_at, last_seen_at) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var item in sandbox.World.AllVisibleItems(now))
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(item.Id, NpgsqlTypes.NpgsqlDbType.Text);
                await copy.WriteAsync(item.AccountId, NpgsqlTypes.NpgsqlDbType.Text);
                await copy.WriteAsync(item.Title, NpgsqlTypes.NpgsqlDbType.Text);
                await copy.WriteAsync(item.PublishTime.UtcDateTime, NpgsqlTypes.NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(ShanghaiTime.Day(item.PublishTime), NpgsqlTypes.NpgsqlDbType.Date);
                await copy.WriteAsync(item.CreatorType, NpgsqlTypes.NpgsqlDbType.Integer);
                await copy.WriteAsync(item.DurationMs, NpgsqlTypes.NpgsqlDbType.Integer);
                await copy.WriteAsync(item.ReviewStatus, NpgsqlTypes.NpgsqlDbType.Integer);
                await copy.WriteAsync(item.IsPublic, NpgsqlTypes.NpgsqlDbType.Boolean);
                await copy.WriteAsync(now.UtcDateTime, NpgsqlTypes.NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(now.UtcDateTime, NpgsqlTypes.NpgsqlDbType.TimestampTz);
                works++;
            }

            await copy.CompleteAsync();
        }

        await connection.ExecuteAsync("ANALYZE douyin.item");
        return works;
    }

    private static async Task<WorkerStatus> StatusAsync(string when, IReadOnlyDictionary<string, string?> settings)
    {
        var load = Bench.LoadAverage();
        var status = await WorkerStatus.RunAsync(settings);
        var due = string.Join(", ", status.DueUnits.Select(d => $"{d.Key} {d.Value:N0}"));
        Bench.Line($"`status --json` {when}: {status.Elapsed.TotalSeconds:0.00} s (process start included), exit {status.ExitCode}, peak RSS {status.PeakMiB:0} MiB; due units: {due}  {Bench.Goal(status.Elapsed.TotalSeconds <= 5 && status.ExitCode == 0)} (≤ 5 s)  [load {load} → {Bench.LoadAverage()}]");
        return status;
    }
}
