using Dapper;
using DouyinEtl.Sandbox;
using DouyinEtl.Sandbox.World;
using DouyinEtl.Sync;
using DouyinEtl.Tests.Infrastructure;

namespace DouyinEtl.Tests.Streams.ItemAnalytics;

public sealed class ItemAnalyticsEndToEndTests
{
    private const string Job = "item-analytics";

    private static readonly IReadOnlyDictionary<string, string?> OverviewOnly = new Dictionary<string, string?>
    {
        ["ItemAnalytics:Endpoints:PlaySource"] = "false",
        ["ItemAnalytics:Endpoints:SearchKeyword"] = "false",
        ["ItemAnalytics:Endpoints:WatchTrend"] = "false",
        ["ItemAnalytics:Endpoints:AudiencePortrait"] = "false",
        ["ItemAnalytics:Endpoints:AudienceOthers"] = "false",
        ["ItemAnalytics:Endpoints:DanmakuAnalysis"] = "false",
    };

    [Theory]
    [InlineData(PayloadVariant.RealWorld)]
    [InlineData(PayloadVariant.Documented)]
    public async Task FirstRun_FetchesEveryYoungWorkOnEveryEndpoint_AndEveryRowEqualsTruth(PayloadVariant variant)
    {
        await using var harness = await StartWithItemsAsync(s => s.Variant = variant);
        var billedBefore = harness.Sandbox.Calls.TotalBilled;

        var summary = await harness.RunAsync(Job);

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        Assert.Equal(0, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.problem"));
        var young = AnalyticsTruth.YoungItems(harness);
        var expected = AnalyticsTruth.ExpectedRefresh(harness, young);
        Assert.Equal(expected, await AnalyticsTruth.RefreshAsync(harness));
        await AnalyticsTruth.AssertTablesEqualTruthAsync(harness, variant);

        // The world must exercise what the test claims: no-data works, image posts (no video-only calls), empty dimensions.
        Assert.Contains(expected, r => r.Status == "no_data_yet");
        Assert.Contains(young, AnalyticsTruth.IsImagePost);
        Assert.True(await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.item_analysis_fetch WHERE status = 'ok' AND row_count = 0") > 0, "some answers should have been empty");

        // One call per work × endpoint, plus one overview call per account (fewer than 50 young works each); all landed raw.
        var accounts = young.Select(i => i.AccountId).Distinct().Count();
        Assert.Equal(expected.Count(r => r.Endpoint != AnalyticsTruth.Overview) + accounts, harness.Sandbox.Calls.TotalBilled - billedBefore);
        Assert.Equal(summary.Counters.Calls, await harness.ScalarAsync<long>("SELECT count(*) FROM raw.api_call WHERE stream = 'item-analytics'"));
    }

    [Fact]
    public async Task SecondRunTheSameDay_PaysNothing_AndTheNextDayOnlyTheDailyTierIsDue()
    {
        await using var harness = await StartWithItemsAsync();
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
    public async Task Overview_CallsCarryFullBatches()
    {
        const int batch = 4;
        await using var harness = await StartWithItemsAsync(settings: new Dictionary<string, string?>(OverviewOnly) { ["ItemAnalytics:OverviewBatchSize"] = batch.ToString() });

        var summary = await harness.RunAsync(Job);

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        var perAccount = AnalyticsTruth.YoungItems(harness).GroupBy(i => i.AccountId).Select(g => g.Count()).ToList();
        var calls = harness.Sandbox.Calls.Snapshot()[AnalyticsTruth.Overview];

        // Every work was asked once, and in the fewest calls that batches of 4 allow: all but each account's last are full.
        Assert.Equal(perAccount.Sum(), calls.ItemIds);
        Assert.Equal(perAccount.Sum(n => (n + batch - 1) / batch), calls.Billed);
        Assert.True(perAccount.Any(n => n > batch), "the test needs an account with more works than one batch");
        Assert.Equal(perAccount.Sum(), await harness.ScalarAsync<long>("SELECT count(*) FROM douyin.item_overview"));
        Assert.Equal(0, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.item_refresh WHERE endpoint <> 'fetch_item_overview_data'"));
        await AnalyticsTruth.AssertTablesEqualTruthAsync(harness, PayloadVariant.RealWorld);
    }

    [Fact]
    public async Task Overview_DefaultBatchIsTheSandboxMaximum_AndItIsUsedInFull()
    {
        await using var harness = await StartWithItemsAsync(s =>
        {
            s.Accounts = 1;
            s.ItemsPerAccount = 450;
        }, OverviewOnly);
        var young = AnalyticsTruth.YoungItems(harness).Count;
        Assert.True(young > 50, $"the test needs more than one batch of works, got {young}");
        Assert.Equal(harness.Sandbox.Options.MaxOverviewIds, new DouyinEtl.Streams.ItemAnalytics.ItemAnalyticsOptions().OverviewBatchSize);

        await harness.RunAsync(Job);

        var calls = harness.Sandbox.Calls.Snapshot()[AnalyticsTruth.Overview];
        Assert.Equal(young, calls.ItemIds);
        Assert.Equal((young + 49) / 50, calls.Billed);
        Assert.Equal(0, calls.Failed);
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
        await using var reference = await StartWithItemsAsync();
        var listCost = reference.Sandbox.Calls.TotalBilled;
        await reference.RunAsync(Job);
        var fullCost = reference.Sandbox.Calls.TotalBilled - listCost;

        await using var harness = await StartWithItemsAsync();
        var first = await harness.RunAsync(Job, new Dictionary<string, string?> { ["Sync:MaxCallsPerRun"] = "60" });

        Assert.Equal(RunOutcome.PartlyFailed, first.Outcome);
        Assert.Equal(ExitCode.PartlyFailed, first.Outcome.ToExitCode());
        Assert.Equal(60, first.Counters.Calls);
        Assert.Equal(1, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.problem WHERE kind = 'budget_exhausted'"));

        var second = await harness.RunAsync(Job);

        Assert.Equal(RunOutcome.Succeeded, second.Outcome);
        Assert.Equal(fullCost, harness.Sandbox.Calls.TotalBilled - listCost);
        Assert.Equal(0, await harness.ScalarAsync<long>("SELECT count(*) FROM etl.item_refresh WHERE fetches <> 1"));
        Assert.Equal(AnalyticsTruth.ExpectedRefresh(harness, AnalyticsTruth.YoungItems(harness)), await AnalyticsTruth.RefreshAsync(harness));
        await AnalyticsTruth.AssertTablesEqualTruthAsync(harness, PayloadVariant.RealWorld);
    }

    [Fact]
    public async Task OneWorkFailing_DoesNotStopTheOthers_AndIsRetriedAfterABackOffNotEveryRun()
    {
        await using var harness = await StartWithItemsAsync();
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
        await using var harness = await StartWithItemsAsync(settings: new Dictionary<string, string?> { ["ItemAnalytics:MaxItemsPerRun"] = "5" });
        var youngestFirst = AnalyticsTruth.YoungItems(harness).OrderByDescending(i => i.PublishTime).Select(i => i.Id).ToList();

        var first = await harness.RunAsync(Job);
        var second = await harness.RunAsync(Job);

        Assert.Equal(RunOutcome.Succeeded, first.Outcome);
        const string fetchedBy = "SELECT DISTINCT item_id FROM etl.item_refresh WHERE run_id = @RunId";
        Assert.Equal(youngestFirst.Take(5).Order(), (await harness.QueryAsync<string>(fetchedBy, new { first.RunId })).Order());
        Assert.Equal(youngestFirst.Skip(5).Take(5).Order(), (await harness.QueryAsync<string>(fetchedBy, new { second.RunId })).Order());
    }

    [Fact]
    public async Task WorksPastTheHorizon_AreNotFetched_UnlessTheirPeriodIsAskedFor()
    {
        await using var harness = await StartWithItemsAsync(settings: OverviewOnly);
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

    [Fact]
    public async Task WithServerErrorsThrottlingAndGarbledBodies_StillEqualsTruth_AndNoCookieLeaks()
    {
        await using var harness = await StartWithItemsAsync();
        harness.Sandbox.State.SetFaults(new FaultOptions
        {
            Seed = 9,
            ServerErrorRate = 0.08,
            TooManyRequestsRate = 0.04,
            MalformedJsonRate = 0.04,
            HtmlBodyRate = 0.03,
            PleaseRetryRate = 0.03,
            RetryAfterSeconds = 0,
        });

        var summary = await harness.RunAsync(Job);

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        Assert.True(summary.Counters.Retries > 0, "the faults should have caused retries");
        Assert.Equal(AnalyticsTruth.ExpectedRefresh(harness, AnalyticsTruth.YoungItems(harness)), await AnalyticsTruth.RefreshAsync(harness));
        await AnalyticsTruth.AssertTablesEqualTruthAsync(harness, PayloadVariant.RealWorld);
        var cookies = harness.Sandbox.World.Accounts.Select(a => a.Cookie.Split(';')[0].Split('=')[1]).ToList();
        var landed = string.Join('\n', await harness.QueryAsync<string>("SELECT concat(request::text, payload::text, convert_from(coalesce(body, ''), 'UTF8'), error) FROM raw.api_call"));
        Assert.All(cookies, cookie => Assert.DoesNotContain(cookie, landed, StringComparison.Ordinal));
        Assert.All(cookies, cookie => Assert.DoesNotContain(cookie, harness.Logs.All, StringComparison.Ordinal));
    }

    [Fact]
    public async Task OneAccountsCookieExpired_TheOtherAccountsWorksLand()
    {
        await using var harness = await StartWithItemsAsync();
        harness.Sandbox.Options.ExpiredAccounts = ["creator-02"];

        var summary = await harness.RunAsync(Job);

        Assert.Equal(RunOutcome.PartlyFailed, summary.Outcome);
        var alive = AnalyticsTruth.YoungItems(harness, ["creator-01", "creator-03"]);
        Assert.Equal(AnalyticsTruth.ExpectedRefresh(harness, alive), await AnalyticsTruth.RefreshAsync(harness));
        Assert.True(await harness.ScalarAsync<long>("SELECT count(*) FROM raw.api_call WHERE account_id = 'creator-02' AND stream = 'item-analytics'") <= 4);
    }

    /// <summary>A small world (3 accounts × 60 works over two years, about 27 inside the 90-day horizon) with its item list landed.</summary>
    private static async Task<Harness> StartWithItemsAsync(Action<SandboxOptions>? sandbox = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var harness = await Harness.StartAsync(s =>
        {
            s.ItemsPerAccount = 60;
            sandbox?.Invoke(s);
        }, settings);
        Assert.Equal(RunOutcome.Succeeded, (await harness.RunAsync("item-list")).Outcome);
        return harness;
    }
}
