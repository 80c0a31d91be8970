using System.Globalization;
using DouyinEtl.Configuration;
using DouyinEtl.Daemon;
using DouyinEtl.Runs;
using DouyinEtl.Sandbox;
using DouyinEtl.Sync;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.DependencyInjection;

namespace DouyinEtl.Tests.Daemon;

/// <summary>
/// Daemon replicas in sharing mode join a sharing run another process started (a fire on another replica, a
/// <c>run --share</c>): every replica works the run's units, each paid for once, and the warehouse equals the truth.
/// </summary>
public sealed class DaemonSharedRunTests
{
    private const string Job = "item-analytics";

    [Fact]
    public async Task SharingRunsElsewhere_AreTheLiveSharingRunsOfOtherProcesses_NotOwnFiresJoinsExclusiveOrDeadRuns()
    {
        await using var harness = await Harness.StartAsync(s => s.Accounts = 1);
        using var host = harness.BuildHost();
        var ledger = host.Services.GetRequiredService<RunLedger>();
        var accounts = await host.Services.GetRequiredService<AccountRegistry>().LoadAsync(CancellationToken.None);
        Task<RunLease> StartAsync(string job, string trigger, string? instance, bool shares) =>
            ledger.StartAsync(job, trigger, accounts, RunPeriod.Default, instance is null ? null : new ScheduledFire(harness.Now, instance), shares, CancellationToken.None);

        await using var fired = await StartAsync(Job, "daemon", "node-a", shares: true);
        await using var join = await StartAsync(Job, SharedRunJoiner.Trigger, null, shares: true);
        await using var exclusive = await StartAsync("item-list", "cli", null, shares: false);
        await using var cli = await StartAsync("item-export", "cli", null, shares: true);
        var dead = await StartAsync("live-rooms", "cli", null, shares: true);
        await dead.DisposeAsync(); // its row stays 'running', as a killed process leaves it
        string[] jobs = [Job, "item-list", "item-export", "live-rooms"];

        var seenByB = await ledger.SharingRunsAsync(jobs, "node-b", SharedRunJoiner.Trigger, CancellationToken.None);
        var seenByA = await ledger.SharingRunsAsync(jobs, "node-a", SharedRunJoiner.Trigger, CancellationToken.None);
        var notScheduled = await ledger.SharingRunsAsync(["item-list", "live-rooms"], "node-b", SharedRunJoiner.Trigger, CancellationToken.None);

        Assert.Equal([fired.RunId, cli.RunId], seenByB.Select(r => r.RunId));
        Assert.Equal("node-a", seenByB[0].StartedBy);
        Assert.Equal([cli.RunId], seenByA.Select(r => r.RunId));
        Assert.Empty(notScheduled);
        Assert.Equal("running", await harness.ScalarAsync<string>("SELECT status FROM etl.run WHERE run_id = @RunId", new { dead.RunId }));
    }

    [Fact]
    public async Task TwoDaemonReplicas_JoinASharingRunStartedElsewhere_AllThreeWorkItsUnits_EachPaidOnce_WarehouseEqualsTruth()
    {
        await using var harness = await Harness.StartAsync(
            s => (s.Accounts, s.ItemsPerAccount, s.Latency) = (2, 60, TimeSpan.FromMilliseconds(20)),
            new Dictionary<string, string?> { ["Sync:Concurrency"] = "2", ["Sync:ClaimPollEvery"] = "00:00:00.100" });
        await harness.RunAsync("item-list");
        var billedBefore = harness.Sandbox.Calls.TotalBilled;
        var expected = AnalyticsTruth.ExpectedRefresh(harness, AnalyticsTruth.YoungItems(harness));

        var replicas = new Dictionary<string, WorkerProcess>
        {
            ["node-b"] = WorkerProcess.Start(DaemonEnvironment(harness, "node-b"), "daemon"),
            ["node-c"] = WorkerProcess.Start(DaemonEnvironment(harness, "node-c"), "daemon"),
        };
        try
        {
            await UntilAsync(async () => await harness.ScalarAsync<long>("SELECT count(*) FROM quartz.qrtz_scheduler_state") == 2, replicas, "both replicas in the cluster");

            // Answers slow enough that the run is still going when the replicas next look (every 0.5 s).
            harness.Sandbox.Options.Latency = TimeSpan.FromMilliseconds(150);
            var (exitCode, output) = await WorkerProcess.RunAsync(harness.ChildEnvironment(), TimeSpan.FromMinutes(3), "run", Job, "--share");
            Assert.True(exitCode == 0, output);
            await UntilAsync(
                async () => await harness.ScalarAsync<long>("SELECT count(*) FROM etl.run WHERE job = @Job AND status = 'running'", new { Job }) == 0
                    && await harness.ScalarAsync<long>("SELECT count(*) FROM etl.run WHERE trigger = @Trigger", new { SharedRunJoiner.Trigger }) == 2,
                replicas,
                "both replicas to join the run and finish");

            var requests = await harness.ScalarAsync<long>("SELECT count(DISTINCT (endpoint, request::text)) FROM raw.api_call WHERE stream = @Job AND http_status = 200", new { Job });
            Assert.Equal(0, harness.Sandbox.Calls.TotalBilled - billedBefore - requests);
            var runs = await harness.QueryAsync<(long RunId, string Trigger, string Status, long UnitsFailed, long Billed)>(
                "SELECT run_id, trigger, status, units_failed, billed_calls FROM etl.run WHERE job = @Job ORDER BY run_id", new { Job });
            Assert.Equal(3, runs.Count);
            Assert.All(runs, r => Assert.True(r is { Status: "succeeded", UnitsFailed: 0, Billed: > 0 }, $"every run worked units and succeeded: {string.Join(", ", runs)}"));
            Assert.Equal(["cli", SharedRunJoiner.Trigger, SharedRunJoiner.Trigger], runs.Select(r => r.Trigger));
            Assert.All(replicas.Values, replica => Assert.Contains(replica.Output, line => line.Contains($"joining sharing run {runs[0].RunId}", StringComparison.Ordinal)));

            Assert.Equal(expected, await AnalyticsTruth.RefreshAsync(harness));
            await AnalyticsTruth.AssertTablesEqualTruthAsync(harness, PayloadVariant.RealWorld);

            foreach (var replica in replicas.Values)
            {
                replica.Terminate();
            }

            foreach (var (name, replica) in replicas)
            {
                Assert.True(await replica.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"{name} did not stop within 60 s of SIGTERM");
                Assert.True(replica.ExitCode == 0, $"{name} exited {replica.ExitCode}: " + string.Join('\n', replica.Output.TakeLast(30)));
            }
        }
        finally
        {
            foreach (var replica in replicas.Values)
            {
                await replica.DisposeAsync();
            }
        }
    }

    /// <summary>A replica sharing its runs' units, looking for runs to join every 0.5 s, whose own item-analytics fire is years away.</summary>
    private static Dictionary<string, string?> DaemonEnvironment(Harness harness, string node)
    {
        var environment = harness.ChildEnvironment();
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            environment["Daemon__Urls"] = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}");
        }

        environment["Daemon__InstanceId"] = node;
        environment["Daemon__CheckinInterval"] = "00:00:01";
        environment["Daemon__CheckinMisfireThreshold"] = "00:00:02";
        environment["Daemon__IdleWaitTime"] = "00:00:01";
        environment["Daemon__JoinSharedRunsEvery"] = "00:00:00.500";
        environment[$"Daemon__Jobs__{Job}__Cron"] = "0 0 3 1 1 ? 2099";
        foreach (var other in new[] { "item-list", "item-export", "author-diagnosis", "item-analysis", "live-rooms" })
        {
            environment[$"Daemon__Jobs__{other}__Enabled"] = "false";
        }

        environment["Sync__ShareUnits"] = "true";
        environment["Logging__LogLevel__Quartz"] = "Warning";
        return environment;
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, Dictionary<string, WorkerProcess> replicas, string what)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (!await condition())
        {
            foreach (var (name, replica) in replicas)
            {
                Assert.False(replica.HasExited, $"{name} exited before {what}: " + string.Join('\n', replica.Output.TakeLast(40)));
            }

            Assert.True(DateTime.UtcNow < deadline, $"no {what} within 3 minutes: " + string.Join("\n---\n", replicas.Select(r => r.Key + ":\n" + string.Join('\n', r.Value.Output.TakeLast(30)))));
            await Task.Delay(50);
        }
    }
}
