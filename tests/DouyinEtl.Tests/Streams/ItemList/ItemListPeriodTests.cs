using DouyinEtl.Runs;

namespace DouyinEtl.Tests.Streams.ItemList;

public sealed class ItemListPeriodTests
{
    [Fact]
    public async Task Run_WithAPeriodReachingPastToday_PaysForNoMonthThatHasNotBegun()
    {
        await using var harness = await Harness.StartAsync(s => s.Accounts = 1);
        var today = ShanghaiTime.Day(harness.Now);

        var summary = await harness.RunAsync(period: new RunPeriod(today.AddDays(-40), today.AddDays(90)));

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        var asked = await harness.QueryAsync<(string Scope, long StartTime)>("SELECT scope, (request->>'start_time')::bigint FROM raw.api_call");
        Assert.NotEmpty(asked);
        Assert.All(asked, a => Assert.True(DateTimeOffset.FromUnixTimeMilliseconds(a.StartTime) <= harness.Now, $"asked for {a.Scope}, which starts after now ({harness.Now:o})"));
        Assert.Equal(asked.Count, harness.Sandbox.Calls.TotalBilled);
    }
}
