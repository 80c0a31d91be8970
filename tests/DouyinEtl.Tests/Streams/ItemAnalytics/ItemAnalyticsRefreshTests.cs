using Dapper;
using DouyinEtl.Runs;
using DouyinEtl.Sandbox;
using DouyinEtl.Sandbox.World;

namespace DouyinEtl.Tests.Streams.ItemAnalytics;

/// <summary>Runs after the first: what is due when, "no data yet", spent budgets, failing works, caps and the horizon.</summary>
public sealed class ItemAnalyticsRefreshTests
{
    private const string Job = AnalyticsWorld.Job;
    private const string PassesMarked = "SELECT count(*) FROM etl.checkpoint WHERE stream = 'item-analytics' AND completed_at IS NOT NULL";

    [Fact]
    public async Task SecondRunTheSameDay_PaysNothing_AndTheNextDayOnlyTheDailyTierIsDue()
    {
        await using var harness = await AnalyticsWorld.StartWithItemsAsync();
        var firstFetch = harness.Now;
        await harness.RunAsync(Job);
        var billed = harness.Sandbox.Calls.TotalBilled;
        var rows = await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.item_play_source");

        harness.SetNow(harness.Now.AddHours(3));
        Assert.Equal(ShanghaiClock.Day(firstFetch), ShanghaiClock.Day(harness.Now));
        var sameDay = await harness.RunAsync(Job);

        Assert.Equal(RunOutcome.Succeeded, sameDay.Outcome);
        Assert.Equal(0, sameDay.Counters.Calls);
        Assert.Equal(billed, harness.Sandbox.Calls.TotalBilled);
        Assert.Equal(rows, await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.item_play_source"));

        harness.SetNow(harness.Now.AddDays(1));
        var nextDay = await harness.RunAsync(Job);

        // Works younger than 7 days at the first fetch are daily; the 3-day and weekly tiers are not due yet, except a
        // work whose last day inside the 90-day horizon has come (its closing fetch).
        var due = harness.Sandbox.World.AllVisibleItems(firstFetch)
            .Where(i => firstFetch - i.PublishTime < TimeSpan.FromDays(7)
                        || (firstFetch - i.PublishTime < TimeSpan.FromDays(89) && harness.Now - i.PublishTime >= TimeSpan.FromDays(89)))
            .Select(i => i.Id).Order().ToList();
        var refetched = await harness.QueryAsync<string>("SELECT DISTINCT item_id FROM etl.item_refresh WHERE run_id = @RunId ORDER BY 1", new { nextDay.RunId });
        Assert.NotEmpty(due);
        Assert.Equal(due, refetched.Order().ToList());
        Assert.True(await harness.ScalarAsync<long>("SELECT count(*) FROM etl.item_refresh WHERE run_id <> @RunId", new { nextDay.RunId }) > 0, "older works must not have been re-fetched");
        Assert.Equal(harness.Sandbox.Calls.TotalBilled - billed, nextDay.Counters.BilledCalls);
        await AnalyticsTruth.AssertTablesEqualTruthAsync(harness, PayloadVariant.RealWorld);
        Assert.Equal(2, await harness.ScalarAsync<long>("SELECT count(DISTINCT snapshot_day) FROM douyin.item_play_source"));
    }
    [Fact]
    public async Task TooFewPlays_IsNoDataYet_NotAFailure_AndIsAskedAgainTheNextDay()
    {
        await using var harness = await Harness.StartAsync(s => s.ItemsPerAccount = 60);
        var analytics = harness.Sandbox.World.Analytics;

        // The newest work that has data by the next day's midnight, watched from five minutes after it was published.
        var work = harness.Sandbox.World.AllVisibleItems(harness.Now)
            .Where(i => i.DurationMs > 0 && !analytics.NoDataYet(i, i.PublishTime.AddMinutes(5).AddDays(1)))
            .MaxBy(i => i.PublishTime)!;
        harness.SetNow(work.PublishTime.AddMinutes(5));
        Assert.True(analytics.NoDataYet(work, harness.Now));
        await harness.RunAsync("item-list");

        var first = await harness.RunAsync(Job);

        Assert.Equal(RunOutcome.Succeeded, first.Outcome);
        Assert.Equal(0, first.Counters.UnitsFailed);
        var tomorrow = new DateTimeOffset(ShanghaiClock.StartOfDay(ShanghaiClock.Day(harness.Now).AddDays(1)).UtcDateTime, TimeSpan.Zero);
        var states = await harness.QueryAsync<(string Endpoint, string Status, DateTime NextDue)>(
            "SELECT endpoint, status, next_due_at FROM etl.item_refresh WHERE item_id = @Id AND endpoint <> 'fetch_item_overview_data'", new { work.Id });
        Assert.Equal(8, states.Count);
        Assert.All(states, s => Assert.Equal("no_data_yet", s.Status));
        Assert.All(states, s => Assert.Equal(tomorrow.UtcDateTime, s.NextDue));
        Assert.Equal(8, await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.item_analysis_fetch WHERE item_id = @Id AND status = 'no_data_yet'", new { work.Id }));
        Assert.Equal(0, await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.item_play_source WHERE item_id = @Id", new { work.Id }));
        Assert.Equal(0, (await harness.RunAsync(Job)).Counters.Calls);

        harness.SetNow(harness.Now.AddDays(1));
        var second = await harness.RunAsync(Job);

        Assert.Equal(RunOutcome.Succeeded, second.Outcome);
        Assert.Equal(8, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.item_refresh WHERE item_id = @Id AND status = 'ok' AND endpoint <> 'fetch_item_overview_data'", new { work.Id }));
        Assert.True(await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.item_play_source WHERE item_id = @Id", new { work.Id }) > 0);
        await AnalyticsTruth.AssertTablesEqualTruthAsync(harness, PayloadVariant.RealWorld);
    }
    [Fact]
    public async Task BudgetSpent_EndsPartlyDone_AndTheNextRunFinishesWithoutPayingForLandedUnits()
    {
        await using var reference = await AnalyticsWorld.StartWithItemsAsync();
        var listCost = reference.Sandbox.Calls.TotalBilled;
        await reference.RunAsync(Job);
        var fullCost = reference.Sandbox.Calls.TotalBilled - listCost;

        await using var harness = await AnalyticsWorld.StartWithItemsAsync();
        var first = await harness.RunAsync(Job, new Dictionary<string, string?> { ["Sync:MaxCallsPerRun"] = "60" });

        Assert.Equal(RunOutcome.PartlyFailed, first.Outcome);
        Assert.Equal(ExitCode.PartlyFailed, first.Outcome.ToExitCode());
        Assert.Equal(60, first.Counters.Calls);
        Assert.Equal(1, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.problem WHERE kind = 'budget_exhausted'"));
        Assert.Equal(0, await harness.ScalarAsync<long>(PassesMarked));

        var second = await harness.RunAsync(Job);

        Assert.Equal(RunOutcome.Succeeded, second.Outcome);
        Assert.Equal(fullCost, harness.Sandbox.Calls.TotalBilled - listCost);
        Assert.Equal(3, await harness.ScalarAsync<long>(PassesMarked));
        Assert.Equal(0, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.item_refresh WHERE fetches <> 1"));
        Assert.Equal(AnalyticsTruth.ExpectedRefresh(harness, AnalyticsTruth.YoungItems(harness)), await AnalyticsTruth.RefreshAsync(harness));
        await AnalyticsTruth.AssertTablesEqualTruthAsync(harness, PayloadVariant.RealWorld);
    }
    [Fact]
    public async Task OneWorkFailing_DoesNotStopTheOthers_AndIsRetriedAfterABackOffNotEveryRun()
    {
        await using var harness = await AnalyticsWorld.StartWithItemsAsync();
        const string deleted = "7000000000000000001";
        await using (var connection = await harness.OpenAsync())
        {
            // A work the creator deleted after the item list saw it: the creator center no longer knows it.
            await connection.ExecuteAsync(
                """
                INSERT INTO douyin.item (item_id, account_id, title, publish_time, publish_day, creator_type, first_seen_at, last_seen_at)
                VALUES (@Id, 'creator-01', 'deleted', @Published, @Day, 2, @Published, @Published)
                """,
                new { Id = deleted, Published = harness.Now.AddDays(-2).UtcDateTime, Day = ShanghaiClock.Day(harness.Now.AddDays(-2)) });
        }

        var summary = await harness.RunAsync(Job);

        Assert.Equal(RunOutcome.PartlyFailed, summary.Outcome);
        Assert.Equal(9, summary.Counters.UnitsFailed);
        Assert.Equal(9, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.problem WHERE kind = 'unit_failed'"));
        Assert.Equal(9, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.problem WHERE scope LIKE '%' || @Id || '%' OR message LIKE '%' || @Id || '%'", new { Id = deleted }));
        var young = AnalyticsTruth.YoungItems(harness);
        var others = (await AnalyticsTruth.RefreshAsync(harness)).Where(r => r.ItemId != deleted).ToList();
        Assert.Equal(AnalyticsTruth.ExpectedRefresh(harness, young), others);
        await AnalyticsTruth.AssertTablesEqualTruthAsync(harness, PayloadVariant.RealWorld);
        var failed = await harness.QueryAsync<(string Status, int Failures, DateTime NextDue)>(
            "SELECT status, failures, next_due_at FROM etl.item_refresh WHERE item_id = @Id", new { Id = deleted });
        Assert.Equal(9, failed.Count);
        Assert.All(failed, f => Assert.Equal(("failed", 1), (f.Status, f.Failures)));

        // Billed failures back off: not asked again the same day, asked again the next day.
        Assert.Equal(0, (await harness.RunAsync(Job)).Counters.Calls);
        harness.SetNow(harness.Now.AddDays(1));
        await harness.RunAsync(Job);
        Assert.Equal(9, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.item_refresh WHERE item_id = @Id AND failures = 2", new { Id = deleted }));
    }
    [Fact]
    public async Task MaxItemsPerRun_TakesTheYoungestWorks_AndTheNextRunContinues()
    {
        await using var harness = await AnalyticsWorld.StartWithItemsAsync(settings: new Dictionary<string, string?> { ["ItemAnalytics:MaxItemsPerRun"] = "5" });
        var youngestFirst = AnalyticsTruth.YoungItems(harness).OrderByDescending(i => i.PublishTime).Select(i => i.Id).ToList();

        var first = await harness.RunAsync(Job);
        var second = await harness.RunAsync(Job);

        Assert.Equal(RunOutcome.Succeeded, first.Outcome);
        Assert.Equal(0, await harness.ScalarAsync<long>(PassesMarked));
        const string fetchedBy = "SELECT DISTINCT item_id FROM etl.item_refresh WHERE run_id = @RunId";
        Assert.Equal(youngestFirst.Take(5).Order(), (await harness.QueryAsync<string>(fetchedBy, new { first.RunId })).Order());
        Assert.Equal(youngestFirst.Skip(5).Take(5).Order(), (await harness.QueryAsync<string>(fetchedBy, new { second.RunId })).Order());
    }
    [Fact]
    public async Task WorksPastTheHorizon_AreNotFetched_UnlessTheirPeriodIsAskedFor()
    {
        await using var harness = await AnalyticsWorld.StartWithItemsAsync(settings: AnalyticsWorld.OverviewOnly);
        await harness.RunAsync(Job);
        var old = harness.Sandbox.World.AllVisibleItems(harness.Now).Where(i => i.PublishTime < harness.Now.AddDays(-120)).MaxBy(i => i.PublishTime)!;
        Assert.Equal(0, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.item_refresh r JOIN douyin.item i USING (item_id) WHERE i.publish_time <= @Horizon", new { Horizon = harness.Now.AddDays(-90).UtcDateTime }));

        var day = ShanghaiClock.Day(old.PublishTime);
        var backfill = await harness.RunAsync(Job, period: new RunPeriod(day, day));

        Assert.Equal(RunOutcome.Succeeded, backfill.Outcome);
        var sameDay = harness.Sandbox.World.AllVisibleItems(harness.Now).Count(i => ShanghaiClock.Day(i.PublishTime) == day);
        Assert.Equal(sameDay, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.item_refresh WHERE run_id = @RunId AND next_due_at IS NULL", new { backfill.RunId }));
        Assert.Equal(0, (await harness.RunAsync(Job, period: new RunPeriod(day, day))).Counters.Calls);
    }
}
