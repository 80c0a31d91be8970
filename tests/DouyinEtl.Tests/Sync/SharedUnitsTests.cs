using System.Globalization;
using Dapper;
using DouyinEtl.Configuration;
using DouyinEtl.Runs;
using DouyinEtl.Sandbox;
using DouyinEtl.Sync;
using DouyinEtl.Tests.Reliability;
using DouyinEtl.Tests.Streams.ItemAnalytics;
using DouyinEtl.Upstream;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.DependencyInjection;

namespace DouyinEtl.Tests.Sync;

/// <summary>
/// Several processes running one job in sharing mode (`run --share`, Sync:ShareUnits) split its units between them:
/// every request is paid for once, both do units, the warehouse equals the sandbox's truth; a process killed with
/// SIGKILL leaves only its units in flight to be paid again, by the one that goes on; a run that does not share and a
/// sharing run of the same job still turn each other away with 75.
/// </summary>
public sealed class SharedUnitsTests
{
    private const int Concurrency = 4;

    private const string Job = "item-analytics";

    [Fact]
    public async Task TwoSharingProcesses_FirstSync_EachRequestPaidOnceBothDidUnitsAndTheWarehouseEqualsTheTruth()
    {
        await using var harness = await StartAsync();
        await harness.RunAsync("item-list");
        var billedBefore = harness.Sandbox.Calls.TotalBilled;

        var (first, second) = await StartTwoSharingAsync(harness);
        await using var firstProcess = first;
        await using var secondProcess = second;

        await FinishedAsync(first, 0);
        await FinishedAsync(second, 0);

        Assert.Equal(0, await DuplicatesAsync(harness, billedBefore));
        var byRun = await harness.QueryAsync<(long RunId, long Calls)>(
            "SELECT run_id, count(*) FROM raw.api_call WHERE stream = @Job AND http_status = 200 GROUP BY run_id", new { Job });
        Assert.True(byRun.Count == 2 && byRun.All(r => r.Calls > 0), "calls per run: " + string.Join(", ", byRun));
        Assert.Equal(AnalyticsTruth.ExpectedRefresh(harness, AnalyticsTruth.YoungItems(harness)), await AnalyticsTruth.RefreshAsync(harness));
        await AnalyticsTruth.AssertTablesEqualTruthAsync(harness, PayloadVariant.RealWorld);

        // Units the other process did are skipped, never failures: both runs succeeded.
        var runs = await harness.QueryAsync<(string Status, long UnitsFailed)>("SELECT status, units_failed FROM etl.run WHERE job = @Job", new { Job });
        Assert.Equal([("succeeded", 0L), ("succeeded", 0L)], runs);
    }

    [Fact]
    public async Task TwoSharingProcesses_OneKilledMidRun_TheOtherFinishesEverythingPayingAgainOnlyForItsUnitsInFlight()
    {
        await using var harness = await StartAsync();
        await harness.RunAsync("item-list");
        var billedBefore = harness.Sandbox.Calls.TotalBilled;
        var expected = AnalyticsTruth.ExpectedRefresh(harness, AnalyticsTruth.YoungItems(harness));

        var (killed, survivor) = await StartTwoSharingAsync(harness);
        await using var killedProcess = killed;
        await using var survivorProcess = survivor;

        // Mid-run: a third of the units paid for.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (harness.Sandbox.Calls.TotalBilled < billedBefore + (expected.Count / 3) && !killed.HasExited && DateTime.UtcNow < deadline)
        {
            await Task.Delay(2);
        }

        Assert.False(killed.HasExited, "the run ended before it could be killed: " + string.Join('\n', killed.Output));
        killed.KillHard();
        Assert.True(await killed.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        await FinishedAsync(survivor, 0);
        Assert.Equal(1, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.run WHERE job = @Job AND error LIKE 'abandoned%'", new { Job }));

        Assert.Equal(expected, await AnalyticsTruth.RefreshAsync(harness));
        await AnalyticsTruth.AssertTablesEqualTruthAsync(harness, PayloadVariant.RealWorld);
        Assert.Empty(await FullSync.RowsWithoutCheckpointAsync(harness.ConnectionString));
        Assert.InRange(await DuplicatesAsync(harness, billedBefore), 0, Concurrency);

        // The next run finds nothing due and pays nothing.
        var billedAfter = harness.Sandbox.Calls.TotalBilled;
        var (exitCode, output) = await WorkerProcess.RunAsync(harness.ChildEnvironment(), TimeSpan.FromMinutes(2), "run", Job, "--share");
        Assert.True(exitCode == 0, output);
        Assert.Equal(billedAfter, harness.Sandbox.Calls.TotalBilled);
        Assert.Equal(1, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.run WHERE job = @Job AND error LIKE 'abandoned%'", new { Job }));
    }

    [Fact]
    public async Task ExclusiveAndSharingRuns_BesideEachOther_TheSecondExitsWith75AndPaysNothing()
    {
        await using var harness = await StartAsync();
        await harness.RunAsync("item-list");
        var billedBefore = harness.Sandbox.Calls.TotalBilled;

        // A run that does not share, beside a sharing one: everything is due, and nothing is paid.
        using (var host = harness.BuildHost())
        {
            await using var sharing = await host.Services.GetRequiredService<RunLedger>().StartAsync(
                Job, "cli", await host.Services.GetRequiredService<AccountRegistry>().LoadAsync(CancellationToken.None), RunPeriod.Default, null, sharesUnits: true, CancellationToken.None);

            var (exitCode, output) = await WorkerProcess.RunAsync(harness.ChildEnvironment(), TimeSpan.FromMinutes(2), "run", Job);

            Assert.True(exitCode == 75, $"exit {exitCode}: {output}");
            Assert.Contains($"{Job} is already running: run {sharing.RunId} on host ", output, StringComparison.Ordinal);
            Assert.Equal(billedBefore, harness.Sandbox.Calls.TotalBilled);
        }

        // A sharing run beside one that does not share.
        harness.Sandbox.Options.Latency = SlowAnswers;
        await using (var exclusive = WorkerProcess.Start(harness.ChildEnvironment(), "run", Job))
        {
            await PlannedAsync(exclusive);
            var runId = await harness.ScalarAsync<long>("SELECT run_id FROM etl.run WHERE job = @Job AND status = 'running' ORDER BY run_id DESC LIMIT 1", new { Job });

            var (exitCode, output) = await WorkerProcess.RunAsync(harness.ChildEnvironment(), TimeSpan.FromMinutes(2), "run", Job, "--share");

            Assert.True(exitCode == 75, $"exit {exitCode}: {output}");
            Assert.Contains($"{Job} is already running: run {runId} on host ", output, StringComparison.Ordinal);
            Assert.False(exclusive.HasExited, "the run that does not share ended before the sharing one was turned away");
            harness.Sandbox.Options.Latency = TimeSpan.Zero;
            await FinishedAsync(exclusive, 0);
        }

        // The lease held above and the run that did everything; the turned-away ones recorded nothing and paid nothing.
        Assert.Equal(2, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.run WHERE job = @Job", new { Job }));
        Assert.Equal(0, await DuplicatesAsync(harness, billedBefore));
    }

    [Fact]
    public async Task SharingRun_UnitHeldByAnotherSessionThatDies_RunsItAfterItsOwnUnits()
    {
        await using var harness = await StartAsync();
        var held = await WaitingForHeldUnitAsync(harness);
        await using var holder = held.Holder;

        await holder.CloseAsync(); // its holder is gone, unfinished: this run takes it over
        var summary = await held.Run.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        Assert.Equal(1, await CallsForAsync(harness, held.Scope));
        Assert.Equal(AnalyticsTruth.ExpectedRefresh(harness, AnalyticsTruth.YoungItems(harness)), await AnalyticsTruth.RefreshAsync(harness));
    }

    [Fact]
    public async Task SharingRun_UnitHeldByAnotherRunThatFinishesIt_SkipsItWithoutPaying()
    {
        await using var harness = await StartAsync();
        var held = await WaitingForHeldUnitAsync(harness);
        await using var holder = held.Holder;

        // The holder finishes the unit as a sharing run does: its record first, then the lock.
        await holder.ExecuteAsync(
            "INSERT INTO etl.unit_claim (job, account_id, stream, scope, done_by_run, done_at) VALUES (@Job, @AccountId, @Job, @Scope, 0, clock_timestamp())",
            new { Job, held.AccountId, held.Scope });
        await holder.CloseAsync();
        var summary = await held.Run.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        Assert.Equal(0, await CallsForAsync(harness, held.Scope));
        Assert.Equal(0, summary.Counters.UnitsFailed);
        Assert.True(summary.Counters.UnitsSkipped >= 1, $"skipped {summary.Counters.UnitsSkipped}");
    }

    private static readonly Dictionary<string, string?> Shared = new() { ["Sync:ShareUnits"] = "true" };

    /// <summary>Answers slow enough (under the attempt timeout) that a run holds its job while the test looks.</summary>
    private static readonly TimeSpan SlowAnswers = TimeSpan.FromSeconds(5);

    private static Task<Harness> StartAsync() => Harness.StartAsync(
        s => (s.Accounts, s.ItemsPerAccount, s.Latency) = (2, 60, TimeSpan.FromMilliseconds(20)),
        new Dictionary<string, string?>
        {
            ["Sync:Concurrency"] = Concurrency.ToString(CultureInfo.InvariantCulture),
            ["Sync:ClaimPollEvery"] = "00:00:00.100",
        });

    /// <summary>Billed answers beyond one per distinct request landed since <paramref name="billedBefore"/>.</summary>
    private static async Task<long> DuplicatesAsync(Harness harness, long billedBefore)
    {
        var requests = await harness.ScalarAsync<long>("SELECT count(DISTINCT (endpoint, request::text)) FROM raw.api_call WHERE stream = @Job AND http_status = 200", new { Job });
        return harness.Sandbox.Calls.TotalBilled - billedBefore - requests;
    }

    /// <summary>The play-source unit of a young video, held by another session as a sharing process working it does.</summary>
    private sealed record HeldUnit(Task<RunSummary> Run, Npgsql.NpgsqlConnection Holder, string AccountId, string Scope);

    /// <summary>A sharing item-analytics first sync that has done its own units and waits for one another session holds.</summary>
    private static async Task<HeldUnit> WaitingForHeldUnitAsync(Harness harness)
    {
        await harness.RunAsync("item-list");
        var item = AnalyticsTruth.YoungItems(harness).First(i => !AnalyticsTruth.IsImagePost(i));
        var scope = $"{item.Id} {UpstreamEndpoints.ItemPlaySource}";

        // Not pooled: closing it ends the session, and the lock with it, as a process that dies does.
        var holder = new Npgsql.NpgsqlConnection(harness.ConnectionString + ";Pooling=false");
        await holder.OpenAsync();
        await holder.ExecuteAsync("SELECT pg_advisory_lock(@Class, @Key)", new { Class = UnitClaims.UnitClass, Key = UnitClaims.UnitKey(Job, item.AccountId, Job, scope) });

        var run = harness.RunAsync(Job, Shared);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!harness.Logs.All.Contains("being worked by another process", StringComparison.Ordinal))
        {
            Assert.False(run.IsCompleted, "the run ended without waiting for the held unit: " + harness.Logs.All);
            Assert.True(DateTime.UtcNow < deadline, "the run did not wait for the held unit within 2 minutes");
            await Task.Delay(20);
        }

        Assert.Equal(0, await CallsForAsync(harness, scope));
        return new HeldUnit(run, holder, item.AccountId, scope);
    }

    private static Task<long> CallsForAsync(Harness harness, string scope) =>
        harness.ScalarAsync<long>("SELECT count(*) FROM raw.api_call WHERE stream = @Job AND scope = @Scope AND http_status = 200", new { Job, Scope = scope });

    /// <summary>Two `run --share` processes, both past planning: answers are slow until then, so the first is not through before the second starts.</summary>
    private static async Task<(WorkerProcess First, WorkerProcess Second)> StartTwoSharingAsync(Harness harness)
    {
        harness.Sandbox.Options.Latency = TimeSpan.FromMilliseconds(300);
        var first = WorkerProcess.Start(harness.ChildEnvironment(), "run", Job, "--share");
        var second = WorkerProcess.Start(harness.ChildEnvironment(), "run", Job, "--share");
        try
        {
            await PlannedAsync(first);
            await PlannedAsync(second);
        }
        catch
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
            throw;
        }

        harness.Sandbox.Options.Latency = TimeSpan.FromMilliseconds(20);
        return (first, second);
    }

    private static async Task FinishedAsync(WorkerProcess worker, int exitCode)
    {
        Assert.True(await worker.WaitForExitAsync(TimeSpan.FromMinutes(3)), "the run did not finish: " + string.Join('\n', worker.Output.TakeLast(40)));
        Assert.True(worker.ExitCode == exitCode, $"exit {worker.ExitCode}: " + string.Join('\n', worker.Output));
    }

    private static Task PlannedAsync(WorkerProcess worker) => JobLockTests.PlannedAsync(worker);
}
