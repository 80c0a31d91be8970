using DouyinEtl.Cli;
using DouyinEtl.Configuration;
using DouyinEtl.Runs;
using DouyinEtl.Sync;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DouyinEtl.Tests.Cli;

/// <summary>`status` against a populated warehouse: cookie states, last success, what is due, calls and cost.</summary>
public sealed class StatusTests
{
    [Fact]
    public async Task Status_AfterAGoodRunAndARunWithAnExpiredCookie_SaysWhatHappenedAndWhatIsDue()
    {
        await using var harness = await Harness.StartAsync();
        var first = await harness.RunAsync();
        harness.Sandbox.State.Options.ExpiredAccounts = ["creator-03"];
        harness.SetNow(harness.Now.AddHours(1));
        var second = await harness.RunAsync();
        Assert.Equal(RunOutcome.Succeeded, first.Outcome);
        Assert.Equal(RunOutcome.PartlyFailed, second.Outcome);

        var report = await LoadAsync(harness);

        Assert.Equal(["creator-01", "creator-02", "creator-03"], report.Accounts.Select(a => a.AccountId));
        Assert.Equal(["ok", "ok", "cookie_expired"], report.Accounts.Select(a => a.CookieState));
        Assert.All(report.Accounts, a => Assert.True(a.Configured));
        Assert.All(report.Accounts, a => Assert.NotNull(a.LastOkAt));

        var calls = await harness.QueryAsync<(string AccountId, long Calls, long Billed)>(
            "SELECT account_id, count(*), count(*) FILTER (WHERE http_status = 200) FROM raw.api_call GROUP BY 1 ORDER BY 1");
        Assert.Equal(calls.Select(c => (long?)c.Calls), report.Accounts.Select(a => a.Calls24h));
        Assert.Equal(harness.Sandbox.Calls.TotalBilled, report.BilledCalls24h);
        Assert.Equal(report.BilledCalls24h * 0.001m, report.EstimatedCost24h);

        var stream = report.Jobs.Single(s => s.Job == "item-list");
        Assert.Equal("item-list", stream.Job);
        Assert.Equal(2, stream.Runs24h);
        Assert.Equal(second.RunId, stream.LastRunId);
        Assert.Equal("partly_failed", stream.LastRunStatus);
        Assert.Equal(harness.Now.AddHours(-1), stream.LastSuccessAt);
        Assert.Equal(first.Counters.Calls + second.Counters.Calls, stream.Calls24h);

        // Due now: nothing for the accounts refreshed this hour; the expired account's recent windows still wait.
        var due = stream.Due!.ToDictionary(d => d.AccountId, d => d.Units);
        Assert.Equal(0, due["creator-01"]);
        Assert.Equal(0, due["creator-02"]);
        Assert.True(due["creator-03"] > 0);

        var text = new StringWriter();
        StatusCommand.Write(report, text);
        Assert.Contains("cookie_expired", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("publish windows", text.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(harness.Sandbox.World.Accounts[0].Cookie, text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_AnHourLater_ShowsTheRecentWindowsDueAgain()
    {
        await using var harness = await Harness.StartAsync();
        await harness.RunAsync();
        Assert.All((await LoadAsync(harness)).Jobs[0].Due!, d => Assert.Equal(0, d.Units));

        harness.SetNow(harness.Now.AddHours(1));
        var due = (await LoadAsync(harness)).Jobs[0].Due!;

        var run = await harness.RunAsync();
        Assert.Equal(run.Counters.UnitsDone, due.Sum(d => d.Units));
    }

    [Fact]
    public async Task StatusCommand_OnAPopulatedWarehouse_Exits0()
    {
        await using var harness = await Harness.StartAsync();
        await harness.RunAsync();
        var settings = harness.SetArguments();

        Assert.Equal(0, await CommandLine.InvokeAsync(["status", "--json", .. settings]));
        Assert.Equal(0L, harness.Sandbox.Calls.TotalRequests - (await harness.ScalarAsync<long>("SELECT count(*) FROM raw.api_call")));
    }

    /// <summary>The status report as <c>douyin-etl status</c> builds it, on the harness's clock.</summary>
    internal static async Task<StatusReport> LoadAsync(Harness harness)
    {
        using var host = harness.BuildHost();
        var services = host.Services;
        return await StatusReport.LoadAsync(
            services.GetRequiredService<NpgsqlDataSource>(),
            await services.GetRequiredService<AccountRegistry>().LoadAsync(CancellationToken.None),
            services.GetRequiredService<JobRunner>().Jobs,
            0.001m,
            harness.Now,
            CancellationToken.None);
    }
}
