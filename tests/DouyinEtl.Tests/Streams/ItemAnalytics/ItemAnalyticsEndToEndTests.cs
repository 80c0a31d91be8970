using DouyinEtl.Runs;
using DouyinEtl.Sandbox;

namespace DouyinEtl.Tests.Streams.ItemAnalytics;

/// <summary>A first run against the sandbox: what is fetched, in how many calls, and every row equal to the truth, in both payload shapes and under faults.</summary>
public sealed class ItemAnalyticsEndToEndTests
{
    private const string Job = AnalyticsWorld.Job;

    [Theory]
    [InlineData(PayloadVariant.RealWorld)]
    [InlineData(PayloadVariant.Documented)]
    public async Task FirstRun_FetchesEveryYoungWorkOnEveryEndpoint_AndEveryRowEqualsTruth(PayloadVariant variant)
    {
        await using var harness = await AnalyticsWorld.StartWithItemsAsync(s => s.Variant = variant);
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

        // A finished pass is marked per account, so the pipeline's stream-freshness view sees this job.
        Assert.Equal(
            harness.Sandbox.World.Accounts.Select(a => (a.Id, harness.Now.UtcDateTime)).Order(),
            (await harness.QueryAsync<(string, DateTime)>("SELECT account_id, completed_at FROM etl.checkpoint WHERE stream = 'item-analytics' AND scope = 'due works'")).Order());
    }
    [Fact]
    public async Task Overview_CallsCarryFullBatches()
    {
        const int batch = 4;
        await using var harness = await AnalyticsWorld.StartWithItemsAsync(settings: new Dictionary<string, string?>(AnalyticsWorld.OverviewOnly) { ["ItemAnalytics:OverviewBatchSize"] = batch.ToString() });

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
        await using var harness = await AnalyticsWorld.StartWithItemsAsync(s =>
        {
            s.Accounts = 1;
            s.ItemsPerAccount = 450;
        }, AnalyticsWorld.OverviewOnly);
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
    public async Task WithServerErrorsThrottlingAndGarbledBodies_StillEqualsTruth_AndNoCookieLeaks()
    {
        // A fifth of the answers are faults and which call meets which depends on the order of the calls: 13 attempts
        // keep a unit from meeting its retry limit by chance (about one run in 100 with the default 7).
        await using var harness = await AnalyticsWorld.StartWithItemsAsync(settings: new Dictionary<string, string?> { ["TikHub:MaxRetries"] = "12" });
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
        await using var harness = await AnalyticsWorld.StartWithItemsAsync();
        harness.Sandbox.Options.ExpiredAccounts = ["creator-02"];
        var billedBefore = harness.Sandbox.Calls.BilledFor("creator-02");

        var summary = await harness.RunAsync(Job);

        Assert.Equal(RunOutcome.PartlyFailed, summary.Outcome);
        var alive = AnalyticsTruth.YoungItems(harness, ["creator-01", "creator-03"]);
        Assert.Equal(AnalyticsTruth.ExpectedRefresh(harness, alive), await AnalyticsTruth.RefreshAsync(harness));
        Assert.Equal(1, harness.Sandbox.Calls.BilledFor("creator-02") - billedBefore);
    }

    [Fact]
    public async Task ImagePostsOfEveryCreatorType_AreNeverAskedForWatchTrendOrBullets()
    {
        // Creator types 1, 6 and 7 are image posts (RESEARCH §2.2), 8 the long article: none has a video timeline.
        await using var harness = await AnalyticsWorld.StartWithItemsAsync(s => s.ItemsPerAccount = 400);
        var young = AnalyticsTruth.YoungItems(harness);
        var images = young.Where(i => i.IsImagePost).ToList();
        Assert.Equal([1, 6, 7, 8], images.Select(i => i.CreatorType).Distinct().Order());

        var summary = await harness.RunAsync(Job);

        Assert.Equal(RunOutcome.Succeeded, summary.Outcome);
        var calls = harness.Sandbox.Calls.Snapshot();
        var videos = young.Count - images.Count;
        Assert.Equal(3 * videos, calls[AnalyticsTruth.WatchTrend].Billed);
        Assert.Equal(videos, calls[AnalyticsTruth.Danmaku].Billed);
        Assert.Equal(young.Count, calls[AnalyticsTruth.PlaySource].Billed);
        var asked = await harness.QueryAsync<string>(
            "SELECT DISTINCT request->>'item_id' FROM raw.api_call WHERE endpoint IN ('fetch_item_watch_trend', 'fetch_item_danmaku_analysis')");
        Assert.Empty(asked.Intersect(images.Select(i => i.Id)));
        Assert.Equal([1, 6, 7, 8], await harness.QueryAsync<int>("SELECT creator_type FROM douyin.creator_type_label WHERE NOT is_video ORDER BY 1"));
    }
}
