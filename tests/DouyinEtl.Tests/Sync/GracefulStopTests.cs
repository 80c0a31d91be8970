using DouyinEtl.Runs;
using DouyinEtl.Sync;
using DouyinEtl.Tests.Streams.ItemList;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.DependencyInjection;

namespace DouyinEtl.Tests.Sync;

/// <summary>
/// A stop request (SIGTERM, daemon shutdown) lets the units in flight finish and starts no new one; a hard stop after
/// the grace period abandons the page in flight but keeps every page before it. Either way the next run completes.
/// </summary>
public sealed class GracefulStopTests
{
    private static readonly Dictionary<string, string?> Slow = new()
    {
        ["Sync:Concurrency"] = "1",
        ["ItemList:PageSize"] = "5",
    };

    [Fact]
    public async Task Stop_FinishesTheUnitInFlight_StartsNoOther_AndTheNextRunCompletes()
    {
        await using var harness = await SlowHarnessAsync();
        using var host = harness.BuildHost(Slow);
        await host.Services.GetRequiredService<MigrationRunner>().MigrateAsync(CancellationToken.None);
        using var stopping = new CancellationTokenSource();

        var running = host.Services.GetRequiredService<JobRunner>().RunAsync(new RunRequest("item-list", [], RunPeriod.Default, "test"), CancellationToken.None, stopping.Token);
        await WaitForAsync(harness, "SELECT count(*) FROM etl.checkpoint WHERE completed_at IS NOT NULL", 2);
        await stopping.CancelAsync();
        var summary = await running;

        Assert.Equal(RunOutcome.PartlyFailed, summary.Outcome);
        Assert.True(summary.Interrupted);
        Assert.Equal(0, summary.Counters.UnitsFailed);
        Assert.True(summary.Counters.UnitsSkipped > 0, "units after the stop should not start");
        Assert.Equal(summary.Counters.UnitsDone, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.checkpoint WHERE completed_at IS NOT NULL AND NOT coalesce((state->>'split')::boolean, false)"));
        Assert.Equal(0L, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.checkpoint WHERE state ? 'cursor' AND state->>'cursor' IS NOT NULL"));
        Assert.StartsWith("stopped early", await harness.ScalarAsync<string>("SELECT error FROM etl.run WHERE run_id = @RunId", new { summary.RunId }), StringComparison.Ordinal);

        var next = await harness.RunAsync(settings: Slow);
        Assert.Equal(RunOutcome.Succeeded, next.Outcome);
        await WarehouseTruth.AssertItemsEqualTruthAsync(harness);
        await WarehouseTruth.AssertSnapshotsEqualTruthAsync(harness, expectRates: true);
    }

    [Fact]
    public async Task HardStopAfterTheGrace_KeepsThePagesBeforeIt_AndTheNextRunResumesFromTheCursor()
    {
        await using var harness = await SlowHarnessAsync();
        using var host = harness.BuildHost(Slow);
        await host.Services.GetRequiredService<MigrationRunner>().MigrateAsync(CancellationToken.None);
        using var stopping = new CancellationTokenSource();
        using var grace = new ShutdownGrace(TimeSpan.Zero, stopping.Token);

        var running = host.Services.GetRequiredService<JobRunner>().RunAsync(new RunRequest("item-list", [], RunPeriod.Default, "test"), grace.Token, stopping.Token);
        await WaitForAsync(harness, "SELECT count(*) FROM etl.checkpoint WHERE state->>'cursor' IS NOT NULL", 1);
        await stopping.CancelAsync();
        var summary = await running;

        Assert.True(summary.Interrupted);
        Assert.NotEqual(RunOutcome.Succeeded, summary.Outcome);
        Assert.NotEqual("running", await harness.ScalarAsync<string>("SELECT status FROM etl.run WHERE run_id = @RunId", new { summary.RunId }));
        var cursors = await harness.ScalarAsync<long>("SELECT count(*) FROM etl.checkpoint WHERE state->>'cursor' IS NOT NULL");
        Assert.True(cursors > 0, "the window in flight should keep its cursor");
        var billedBefore = harness.Sandbox.Calls.TotalBilled;

        var next = await harness.RunAsync(settings: Slow);

        Assert.Equal(RunOutcome.Succeeded, next.Outcome);
        await WarehouseTruth.AssertItemsEqualTruthAsync(harness);
        Assert.Equal(0L, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.checkpoint WHERE state->>'cursor' IS NOT NULL"));
        Assert.Equal(next.Counters.BilledCalls, harness.Sandbox.Calls.TotalBilled - billedBefore);
    }

    /// <summary>Answers slowly and pages 5 works at a time, one unit at a time, so a stop lands in the middle of a run.</summary>
    private static Task<Harness> SlowHarnessAsync() => Harness.StartAsync(s =>
    {
        s.Accounts = 2;
        s.ItemsPerAccount = 80;
        s.Latency = TimeSpan.FromMilliseconds(40);
    });

    private static async Task WaitForAsync(Harness harness, string sql, long atLeast)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromMinutes(2))
        {
            if (await harness.ScalarAsync<long>(sql) >= atLeast)
            {
                return;
            }

            await Task.Delay(10);
        }

        Assert.Fail($"timed out waiting for {sql} >= {atLeast}");
    }
}
