using System.Globalization;
using DouyinEtl.Cli;
using DouyinEtl.Runs;
using Xunit.Abstractions;

namespace DouyinEtl.Tests.Sync;

/// <summary>
/// An account whose cookie is dead, or that lacks the creator center's data permission, costs one billed answer per run
/// whatever the job and however many units run at once, says what to do about it, and does not make the run failed.
/// </summary>
public sealed class DeadAccountTests(ITestOutputHelper output)
{
    private const string Dead = "creator-02";

    private static readonly Dictionary<string, string?> EightAtOnce = new() { ["Sync:Concurrency"] = "8" };

    [Fact]
    public async Task EveryJob_AtConcurrency8_PaysOneAnswerForADeadCookie()
    {
        // Answers take 100 ms, so eight calls are out at once: the dead account's other units are due together with its first.
        await using var harness = await Harness.StartAsync(s => (s.ItemsPerAccount, s.Latency) = (60, TimeSpan.FromMilliseconds(100)), EightAtOnce);
        Assert.Equal(RunOutcome.Succeeded, (await harness.RunAsync("item-list")).Outcome);
        harness.SetNow(harness.Now.AddHours(2));
        harness.Sandbox.Options.ExpiredAccounts = [Dead];

        foreach (var job in new[] { "item-list", "item-export", "item-analytics", "item-analysis", "live-rooms", "author-diagnosis" })
        {
            var before = harness.Sandbox.Calls.BilledFor(Dead);
            var summary = await harness.RunAsync(job);
            var billed = harness.Sandbox.Calls.BilledFor(Dead) - before;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{job}: {billed} billed answer(s) for the dead account; run: {summary.Counters.Calls} calls, {summary.Counters.BilledCalls} billed, {summary.Counters.UnitsSkipped} units skipped"));

            Assert.Equal(RunOutcome.PartlyFailed, summary.Outcome);
            Assert.Equal(AccountState.CookieExpired, summary.UnusableAccounts[Dead]);
            Assert.True(billed == 1, $"{job}: {billed} billed answers for a dead cookie");
        }
    }

    [Fact]
    public async Task NoPermission_SaysSoAndWhatToDo_NotToRefreshTheCookie()
    {
        await using var harness = await Harness.StartAsync(s => s.NoPermissionAccounts = [Dead], EightAtOnce);

        var summary = await harness.RunAsync();

        Assert.Equal(RunOutcome.PartlyFailed, summary.Outcome);
        Assert.Equal(AccountState.NoPermission, summary.UnusableAccounts[Dead]);
        Assert.Equal(1, harness.Sandbox.Calls.BilledFor(Dead));
        Assert.Equal("no_permission", await harness.ScalarAsync<string>("SELECT state FROM etl.account_status WHERE account_id = @Dead", new { Dead }));

        var problem = await harness.ScalarAsync<string>("SELECT message FROM etl.problem WHERE kind = 'no_permission' AND account_id = @Dead", new { Dead });
        Assert.Contains("no permission", problem, StringComparison.Ordinal);
        Assert.Contains("数据中心", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("refresh", problem, StringComparison.OrdinalIgnoreCase);

        var line = CommandLine.Describe(summary).Split('\n').Single(l => l.Contains(Dead, StringComparison.Ordinal));
        Assert.Contains("no permission", line, StringComparison.Ordinal);
        Assert.DoesNotContain("refresh", line, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ExpiredCookie_DoesNotShowTheHealthyAccountsStreamsAsFailed()
    {
        await using var harness = await Harness.StartAsync(s => s.ExpiredAccounts = [Dead]);

        var summary = await harness.RunAsync();

        Assert.Equal(RunOutcome.PartlyFailed, summary.Outcome);
        var status = await harness.QueryAsync<(string AccountId, string LastRunStatus)>(
            "SELECT account_id, last_run_status FROM douyin.pipeline_stream_status WHERE stream = 'item-list' ORDER BY account_id");
        Assert.Equal([("creator-01", "succeeded"), ("creator-03", "succeeded")], status);
        Assert.Equal(
            [("creator-01", "succeeded"), ("creator-02", "failed"), ("creator-03", "succeeded")],
            await harness.QueryAsync<(string, string)>("SELECT account_id, status FROM etl.run_account WHERE run_id = @RunId ORDER BY account_id", new { summary.RunId }));
    }
}
