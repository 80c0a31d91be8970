using DouyinEtl.Configuration;
using DouyinEtl.Daemon;
using DouyinEtl.Runs;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.DependencyInjection;

namespace DouyinEtl.Tests.Daemon;

/// <summary>
/// A recovery names the fire its dead node had in flight, as that node's run recorded it. Quartz's recovery data only
/// has the time the fire's trigger was due when it fired, to the second — for a fire that ran late (a misfire on a busy
/// machine: "fire once now") the catch-up time, not the cron time — which made the recovery name another fire.
/// </summary>
public sealed class RecoveredFireTests
{
    private static readonly DateTimeOffset Cron = new(2026, 11, 20, 2, 0, 42, TimeSpan.Zero);

    [Fact]
    public async Task OrphanedFire_OfALateFire_IsTheCronTimeItsRunRecorded_AndIsClaimedOnce()
    {
        await using var harness = await Harness.StartAsync(s => s.Accounts = 1);
        using var host = harness.BuildHost();
        await host.Services.GetRequiredService<MigrationRunner>().MigrateAsync(CancellationToken.None);
        var ledger = host.Services.GetRequiredService<RunLedger>();
        var accounts = await host.Services.GetRequiredService<AccountRegistry>().LoadAsync(CancellationToken.None);

        // node-a finished the 02:00:39 fire, then ran the 02:00:42 fire late (caught up at 02:00:43.6) and died in it;
        // node-b ran the fire before. Quartz's recovery data says 02:00:43.
        await StartAsync(ledger, accounts, Cron.AddSeconds(-6), "node-b", finish: true);
        await StartAsync(ledger, accounts, Cron.AddSeconds(-3), "node-a", finish: true);
        await StartAsync(ledger, accounts, Cron, "node-a", finish: false);
        var quartzSays = Cron.AddSeconds(1);

        Assert.Equal(Cron, await ledger.OrphanedFireAsync("item-list", "node-a", quartzSays, CancellationToken.None));
        Assert.Null(await ledger.OrphanedFireAsync("item-list", "node-b", quartzSays, CancellationToken.None));
        Assert.Null(await ledger.OrphanedFireAsync("item-analytics", "node-a", quartzSays, CancellationToken.None));

        // Once a recovery names it, a later recovery of the same node does not name it again.
        await using (await ledger.StartAsync("item-list", "daemon-recovery", accounts, RunPeriod.Default, new ScheduledFire(Cron, "node-b"), CancellationToken.None))
        {
            Assert.Null(await ledger.OrphanedFireAsync("item-list", "node-a", quartzSays, CancellationToken.None));
        }
    }

    [Theory]
    [InlineData("recover_node-a_638712345678", "node-a")]
    [InlineData("recover_my_node_7", "my_node")]
    [InlineData("item-list", null)]
    [InlineData("recover_", null)]
    public void RecoveredNode_IsTheInstanceInTheRecoveryTriggersName(string trigger, string? node) =>
        Assert.Equal(node, SyncJobAdapter.RecoveredNode(trigger));

    private static async Task StartAsync(RunLedger ledger, IReadOnlyList<Account> accounts, DateTimeOffset fire, string node, bool finish)
    {
        await using var run = await ledger.StartAsync("item-list", "daemon", accounts, RunPeriod.Default, new ScheduledFire(fire, node), CancellationToken.None);
        if (finish)
        {
            await ledger.FinishAsync(run.RunId, RunOutcome.Succeeded, new RunCounters().Snapshot(), 0m, null, CancellationToken.None);
        }
    }
}
