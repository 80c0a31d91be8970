using DouyinEtl.Runs;
using DouyinEtl.Sync;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.DependencyInjection;

namespace DouyinEtl.Tests.Cli;

/// <summary>
/// For every job, what <c>status</c> says is due is what the next run does: as many units, for the same accounts; and
/// once that run is through, nothing is due (with item-analytics' work cap: the rest). Checked on the first sync, an
/// hour later and a day later.
/// </summary>
public sealed class DueReportTests
{
    public static TheoryData<string, int> Jobs()
    {
        var jobs = new TheoryData<string, int> { { "item-analytics", 10 } };
        foreach (var job in RegisteredJobs.Names)
        {
            jobs.Add(job, 0);
        }

        return jobs;
    }

    [Theory]
    [MemberData(nameof(Jobs))]
    public async Task StatusDue_EqualsWhatTheNextRunDoes(string job, int maxItemsPerRun)
    {
        await using var harness = await Harness.StartAsync(
            s => (s.Accounts, s.ItemsPerAccount) = (2, 60),
            new Dictionary<string, string?>
            {
                ["LiveRooms:HistoryDays"] = "100",
                ["ItemAnalytics:MaxItemsPerRun"] = maxItemsPerRun.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
        var dueSeen = 0;
        foreach (var later in new[] { TimeSpan.Zero, TimeSpan.FromHours(1), TimeSpan.FromDays(1) })
        {
            harness.SetNow(Harness.DefaultNow + later);
            if (job is "item-export" or "item-analytics")
            {
                await harness.RunAsync("item-list"); // they work on the works item-list lists
            }

            var due = await DueAsync(harness, job);
            var run = await harness.RunAsync(job);

            Assert.Equal(RunOutcome.Succeeded, run.Outcome);
            var c = run.Counters;
            Assert.True(due.Sum(d => d.Units) == c.UnitsDone + c.UnitsFailed + c.UnitsSkipped, $"{job} +{later}: status said {due.Sum(d => d.Units)} units, the run did {c.UnitsDone + c.UnitsFailed + c.UnitsSkipped}");
            Assert.Equal(
                due.Where(d => d.Units > 0).Select(d => d.AccountId).Order(),
                await harness.QueryAsync<string>("SELECT DISTINCT account_id FROM raw.api_call WHERE run_id = @RunId ORDER BY 1", new { run.RunId }));
            if (job is "item-analytics" or "author-diagnosis")
            {
                Assert.Equal(due.Sum(d => d.Units), c.Calls); // one call per unit
            }

            var left = await DueAsync(harness, job);
            if (maxItemsPerRun == 0)
            {
                Assert.All(left, d => Assert.True(d.Units == 0, $"{job} +{later}: {d.AccountId} still has {d.Units} {d.UnitName} due after the run"));
            }
            else if (later == TimeSpan.Zero)
            {
                Assert.True(left.Sum(d => d.Units) > 0, "the first sync should be cut by the work cap");
            }

            dueSeen += due.Sum(d => d.Units);
        }

        Assert.True(dueSeen > 0, $"{job}: nothing was ever due, the test would prove nothing");
    }

    private static async Task<IReadOnlyList<DueWork>> DueAsync(Harness harness, string job)
    {
        using (var host = harness.BuildHost())
        {
            await host.Services.GetRequiredService<MigrationRunner>().MigrateAsync(CancellationToken.None);
        }

        var due = (await StatusTests.LoadAsync(harness)).Jobs.Single(s => s.Job == job).Due;
        Assert.True(due is not null, $"{job} does not report what is due");
        return due;
    }
}
