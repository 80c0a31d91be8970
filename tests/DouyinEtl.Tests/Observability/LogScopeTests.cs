using DouyinEtl.Runs;
using DouyinEtl.Sandbox;

namespace DouyinEtl.Tests.Observability;

public sealed class LogScopeTests
{
    /// <summary>A line logged inside a unit (here: a retry) carries the run, the job and the account, so logs can be filtered by any of them.</summary>
    [Fact]
    public async Task LinesLoggedInsideAUnit_CarryRunJobAndAccountScopes()
    {
        // Which call meets which fault depends on the order of the calls, so a unit may meet its retry limit in a row of
        // faults; with 16 attempts at 30 % that is one call in 10^8, and the run still retries on most windows.
        await using var harness = await Harness.StartAsync(
            s => s.Faults = new FaultOptions { Seed = 3, ServerErrorRate = 0.3, RetryAfterSeconds = 0 },
            new Dictionary<string, string?> { ["TikHub:MaxRetries"] = "15" });

        var summary = await harness.RunAsync();

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        var retries = harness.Logs.Lines.Where(l => l.Contains("Retrying fetch_item_list", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(retries);
        Assert.All(retries, line =>
        {
            Assert.Contains($"RunId={summary.RunId}", line, StringComparison.Ordinal);
            Assert.Contains("Job=item-list", line, StringComparison.Ordinal);
            Assert.Matches(@"AccountId=creator-0\d", line);
            Assert.Contains("Stream=item-list", line, StringComparison.Ordinal);
        });
    }
}
