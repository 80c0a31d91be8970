using DouyinEtl.Configuration;
using DouyinEtl.Runs;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.DependencyInjection;

namespace DouyinEtl.Tests.Sync;

/// <summary>
/// A run whose process died (kill -9, OOM, a lost node in CronJob mode) stayed 'running' for ever: the next run of the
/// job now closes it as abandoned — but never a run whose process is alive, which holds its lease in PostgreSQL.
/// </summary>
public sealed class AbandonedRunTests
{
    [Fact]
    public async Task Run_AfterAProcessDiedMidRun_ClosesItsRunAsAbandoned_ButNotWhileALiveOneHoldsTheJob()
    {
        await using var harness = await Harness.StartAsync(s => s.Accounts = 1);
        using var host = harness.BuildHost();
        await host.Services.GetRequiredService<MigrationRunner>().MigrateAsync(CancellationToken.None);
        var ledger = host.Services.GetRequiredService<RunLedger>();
        var accounts = await host.Services.GetRequiredService<AccountRegistry>().LoadAsync(CancellationToken.None);
        var dead = await StartAndDieAsync(ledger, "author-diagnosis", accounts);
        var otherJob = await StartAndDieAsync(ledger, "live-rooms", accounts);
        await using (var live = await ledger.StartAsync("author-diagnosis", "cli", accounts, RunPeriod.Default, CancellationToken.None))
        {
            // A live run holds the job: the new one is turned away before it touches anything.
            var held = await Assert.ThrowsAsync<JobHeldException>(() => harness.RunAsync("author-diagnosis"));
            Assert.Contains($"run {live.RunId} on host ", held.Message, StringComparison.Ordinal);
            Assert.Equal("running", await harness.ScalarAsync<string>("SELECT status FROM etl.run WHERE run_id = @dead", new { dead }));
            Assert.Equal("running", await harness.ScalarAsync<string>("SELECT status FROM etl.run WHERE run_id = @alive", new { alive = live.RunId }));
        }

        var summary = await harness.RunAsync("author-diagnosis");

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        var (status, error) = (await harness.QueryAsync<(string, string)>("SELECT status, error FROM etl.run WHERE run_id = @dead", new { dead })).Single();
        Assert.Equal("failed", status);
        Assert.StartsWith("abandoned", error, StringComparison.Ordinal);
        Assert.Contains($"run {summary.RunId} resumed", error, StringComparison.Ordinal);
        Assert.Equal("running", await harness.ScalarAsync<string>("SELECT status FROM etl.run WHERE run_id = @otherJob", new { otherJob }));
    }

    /// <summary>A run whose process died: its row says 'running', its lease is gone.</summary>
    private static async Task<long> StartAndDieAsync(RunLedger ledger, string job, IReadOnlyList<Account> accounts)
    {
        await using var lease = await ledger.StartAsync(job, "cli", accounts, RunPeriod.Default, CancellationToken.None);
        return lease.RunId;
    }
}
