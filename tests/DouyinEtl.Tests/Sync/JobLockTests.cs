using System.Globalization;
using DouyinEtl.Configuration;
using DouyinEtl.Runs;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.DependencyInjection;

namespace DouyinEtl.Tests.Sync;

/// <summary>
/// One run of a job at a time on one database, whatever started it: a second `douyin-etl run` of a job another process
/// is running exits at once with 75 and one line naming the run that holds it, paying nothing; the lock is free once
/// the holder ends, however it ended (a kill -9 included).
/// </summary>
public sealed class JobLockTests
{
    private const string JobHeld = "75";

    [Fact]
    public async Task Run_WhileAnotherProcessRunsTheJob_ExitsWith75NamingTheHolderAndPaysNothing()
    {
        await using var harness = await StartAsync();
        await harness.RunAsync("item-list");
        var billedBefore = harness.Sandbox.Calls.TotalBilled;

        harness.Sandbox.Options.Latency = SlowAnswers;
        await using (var holder = WorkerProcess.Start(harness.ChildEnvironment(), "run", "item-analytics"))
        {
            await PlannedAsync(holder);
            var (runId, host) = (await harness.QueryAsync<(long, string)>("SELECT run_id, host FROM etl.run WHERE job = 'item-analytics' AND status = 'running'")).Single();

            var (exitCode, output) = await WorkerProcess.RunAsync(harness.ChildEnvironment(), TimeSpan.FromMinutes(2), "run", "item-analytics");

            Assert.True(exitCode.ToString(CultureInfo.InvariantCulture) == JobHeld, output);
            Assert.Contains($"item-analytics is already running: run {runId} on host {host} since ", output, StringComparison.Ordinal);
            Assert.False(holder.HasExited, "the holder ended before the second run was turned away: " + string.Join('\n', holder.Output));
            harness.Sandbox.Options.Latency = TimeSpan.Zero;
            Assert.True(await holder.WaitForExitAsync(TimeSpan.FromMinutes(3)), "the holder did not finish");
            Assert.True(holder.ExitCode == 0, string.Join('\n', holder.Output));
        }

        // The turned-away run recorded nothing, and every request was paid for once: by the holder.
        Assert.Equal(1, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.run WHERE job = 'item-analytics'"));
        var requests = await harness.ScalarAsync<long>("SELECT count(DISTINCT (endpoint, request::text)) FROM raw.api_call WHERE stream = 'item-analytics' AND http_status = 200");
        Assert.Equal(requests, harness.Sandbox.Calls.TotalBilled - billedBefore);

        // Free once the holder ended: the next run goes ahead.
        var (third, thirdOutput) = await WorkerProcess.RunAsync(harness.ChildEnvironment(), TimeSpan.FromMinutes(2), "run", "item-analytics");
        Assert.True(third == 0, $"exit {third}: {thirdOutput}");
        Assert.Equal(2, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.run WHERE job = 'item-analytics' AND status = 'succeeded'"));
    }

    [Fact]
    public async Task Run_AfterTheHolderWasKilled_GoesAhead()
    {
        await using var harness = await StartAsync();
        await harness.RunAsync("item-list");

        harness.Sandbox.Options.Latency = SlowAnswers;
        await using (var killed = WorkerProcess.Start(harness.ChildEnvironment(), "run", "item-analytics"))
        {
            await PlannedAsync(killed);
            killed.KillHard();
            Assert.True(await killed.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }

        harness.Sandbox.Options.Latency = TimeSpan.Zero;

        var (exitCode, output) = await WorkerProcess.RunAsync(harness.ChildEnvironment(), TimeSpan.FromMinutes(3), "run", "item-analytics");

        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("already running", output, StringComparison.Ordinal);
        Assert.Equal("succeeded", await harness.ScalarAsync<string>("SELECT status FROM etl.run WHERE job = 'item-analytics' ORDER BY run_id DESC LIMIT 1"));
    }

    [Fact]
    public async Task BackfillAll_WhileAnotherProcessHoldsOneJob_SkipsItWithTheLineAndRunsTheOthers()
    {
        await using var harness = await StartAsync();
        await harness.RunAsync("item-list");
        using var host = harness.BuildHost();
        await using var lease = await host.Services.GetRequiredService<RunLedger>().StartAsync(
            "item-list", "cli", await host.Services.GetRequiredService<AccountRegistry>().LoadAsync(CancellationToken.None), RunPeriod.Default, CancellationToken.None);
        var day = ShanghaiTime.Day(harness.Now).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var (exitCode, output) = await WorkerProcess.RunAsync(harness.ChildEnvironment(), TimeSpan.FromMinutes(3), "backfill", "all", "--from", day, "--to", day);

        // Not everything asked for was done: partly failed, as a run whose budget ran out.
        Assert.True(exitCode == 2, output);
        Assert.Contains($"item-list is already running: run {lease.RunId} on host {Environment.MachineName} since ", output, StringComparison.Ordinal);
        Assert.Equal(0, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.run WHERE job = 'item-list' AND trigger = 'backfill'"));
        Assert.Equal(0, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.run WHERE trigger = 'backfill' AND status <> 'succeeded'"));
        Assert.True(await harness.ScalarAsync<long>("SELECT count(*) FROM etl.run WHERE trigger = 'backfill'") >= 1, output);
    }

    [Fact]
    public async Task Daemon_FiringWhileAnotherProcessHoldsTheJob_SkipsTheFireAndRunsOnceItIsFree()
    {
        await using var harness = await StartAsync();
        await harness.RunAsync("item-list");
        using var host = harness.BuildHost();
        var lease = await host.Services.GetRequiredService<RunLedger>().StartAsync(
            "item-list", "cli", await host.Services.GetRequiredService<AccountRegistry>().LoadAsync(CancellationToken.None), RunPeriod.Default, CancellationToken.None);
        var environment = harness.ChildEnvironment();
        environment.Remove("DOTNET_STARTUP_HOOKS"); // Quartz fires by the real clock
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            environment["Daemon__Urls"] = $"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}";
        }

        environment["Daemon__Jobs__item-list__Cron"] = "0/2 * * * * ?";
        environment["Daemon__InstanceId"] = "lock-test";
        environment["Logging__LogLevel__Quartz"] = "Warning";

        await using var daemon = WorkerProcess.Start(environment, "daemon");
        try
        {
            var skipped = $"item-list is already running: run {lease.RunId} on host {Environment.MachineName} since ";
            await UntilAsync(() => Task.FromResult(daemon.Output.Count(line => line.Contains(skipped, StringComparison.Ordinal)) >= 2), daemon, "two fires skipped");
            Assert.Equal(0, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.run WHERE trigger = 'daemon'"));

            await lease.DisposeAsync();
            // Let go of at once, not when the pooled session happens to be reset or closed.
            Assert.Equal(0, await harness.ScalarAsync<long>($"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid::bigint = {RunLedger.JobLockClass} AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"));
            await UntilAsync(async () => await harness.ScalarAsync<long>("SELECT count(*) FROM etl.run WHERE trigger = 'daemon' AND status <> 'running'") >= 1, daemon, "a daemon run once the job is free");
        }
        finally
        {
            await lease.DisposeAsync();
        }
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, WorkerProcess worker, string what)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!await condition())
        {
            Assert.False(worker.HasExited, $"the worker exited before {what}: " + string.Join('\n', worker.Output));
            Assert.True(DateTime.UtcNow < deadline, $"no {what} within 2 minutes: " + string.Join('\n', worker.Output.TakeLast(40)));
            await Task.Delay(50);
        }
    }

    /// <summary>Answers slow enough (under the attempt timeout) that a run holds its job while the test looks: set back to zero to let it finish.</summary>
    private static readonly TimeSpan SlowAnswers = TimeSpan.FromSeconds(5);

    private static Task<Harness> StartAsync() => Harness.StartAsync(
        s => (s.Accounts, s.ItemsPerAccount, s.Latency) = (2, 60, TimeSpan.FromMilliseconds(20)),
        new Dictionary<string, string?> { ["Sync:Concurrency"] = "4" });

    /// <summary>Until the run has planned its units: it took the job's lock before, and holds it while its answers are slow.</summary>
    internal static async Task PlannedAsync(WorkerProcess worker)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!worker.Output.Any(line => line.Contains("unit(s) due", StringComparison.Ordinal)) && !worker.HasExited && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        Assert.False(worker.HasExited, "the run ended before it was seen planning: " + string.Join('\n', worker.Output));
        Assert.True(DateTime.UtcNow < deadline, "the run did not plan within 2 minutes");
    }
}
