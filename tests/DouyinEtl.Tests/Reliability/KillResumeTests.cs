using System.Globalization;
using DouyinEtl.Sandbox;
using DouyinEtl.Tests.Streams.ItemAnalytics;

namespace DouyinEtl.Tests.Reliability;

/// <summary>
/// A real `douyin-etl run` process (its clock pinned to the sandbox's) killed with SIGKILL in the middle of a job and
/// run again: the warehouse equals the truth, no unit is half written, the dead run is closed as abandoned, and only
/// answers in flight at the kill are paid twice. The reliability benchmark does this at ten random points of a full sync.
/// </summary>
public sealed class KillResumeTests
{
    private const int Concurrency = 4;

    [Fact]
    public async Task Run_KilledMidJob_ResumesToTruthPayingAgainOnlyForAnswersInFlight()
    {
        await using var harness = await Harness.StartAsync(
            s => (s.Accounts, s.ItemsPerAccount, s.Latency) = (2, 60, TimeSpan.FromMilliseconds(20)),
            new Dictionary<string, string?> { ["Sync:Concurrency"] = Concurrency.ToString(CultureInfo.InvariantCulture) });
        await harness.RunAsync("item-list");
        var billedBefore = harness.Sandbox.Calls.TotalBilled;

        await using (var killed = WorkerProcess.Start(harness.ChildEnvironment(), "run", "item-analytics"))
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (harness.Sandbox.Calls.TotalBilled < billedBefore + 40 && !killed.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(2);
            }

            Assert.False(killed.HasExited, "the run ended before it could be killed: " + string.Join('\n', killed.Output));
            killed.KillHard();
            Assert.True(await killed.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }

        Assert.Equal("running", await harness.ScalarAsync<string>("SELECT status FROM etl.run WHERE job = 'item-analytics'"));
        var (exitCode, output) = await WorkerProcess.RunAsync(harness.ChildEnvironment(), TimeSpan.FromMinutes(2), "run", "item-analytics");

        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.Equal(AnalyticsTruth.ExpectedRefresh(harness, AnalyticsTruth.YoungItems(harness)), await AnalyticsTruth.RefreshAsync(harness));
        await AnalyticsTruth.AssertTablesEqualTruthAsync(harness, PayloadVariant.RealWorld);
        Assert.Empty(await FullSync.RowsWithoutCheckpointAsync(harness.ConnectionString));
        Assert.StartsWith("abandoned", await harness.ScalarAsync<string>("SELECT error FROM etl.run WHERE job = 'item-analytics' ORDER BY run_id LIMIT 1"), StringComparison.Ordinal);

        // Each request answered once, but for the ones in flight when the process died (at most one per parallel unit).
        var requests = await harness.ScalarAsync<long>("SELECT count(DISTINCT (endpoint, request::text)) FROM raw.api_call WHERE stream = 'item-analytics' AND http_status = 200");
        Assert.InRange(harness.Sandbox.Calls.TotalBilled - billedBefore - requests, 0, Concurrency);

        // The half-written check can fail: a row whose checkpoint is gone is found.
        await harness.ScalarAsync<long>("DELETE FROM etl.item_refresh WHERE item_id = (SELECT min(item_id) FROM douyin.item_play_source) RETURNING 1");
        Assert.NotEmpty(await FullSync.RowsWithoutCheckpointAsync(harness.ConnectionString));
    }
}
