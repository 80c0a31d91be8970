using DouyinEtl.Sandbox;
using DouyinEtl.Sandbox.World;

namespace DouyinEtl.Testing;

// Rows as the tests compare them: the columns that carry data, in a fixed order.
internal sealed record PlaySourceInWarehouse(string ItemId, int AppId, string Source, decimal? Ratio, decimal? HistoryDifference);

internal sealed record SearchKeywordInWarehouse(string ItemId, string List, string Keyword, long? SearchCount, decimal? Share);

internal sealed record WatchTrendInWarehouse(string ItemId, short AnalysisType, string Series, int Second, decimal? Value);

internal sealed record PortraitInWarehouse(string ItemId, string Dimension, string Bucket, decimal? Ratio, decimal? Tgi);

internal sealed record AudienceOthersInWarehouse(string ItemId, string Kind, string Key, decimal? Ratio, long? QueryCount7d);

internal sealed record DanmakuPointInWarehouse(string ItemId, string Series, int Second, decimal? Value, decimal? Share);

internal sealed record DanmakuWordInWarehouse(string ItemId, string Word, long? Occurrences, string? Sentiment);

internal sealed record DanmakuTotalInWarehouse(string ItemId, long? TotalCount, int? PeakSecond);

internal sealed record OverviewInWarehouse(
    string ItemId,
    long? ViewCount,
    long? LikeCount,
    long? CommentCount,
    long? ShareCount,
    long? FavoriteCount,
    long? SubscribeCount,
    long? UnsubscribeCount,
    long? DanmakuCount,
    decimal? CompletionRate,
    decimal? CompletionRate5s,
    decimal? BounceRate2s,
    decimal? CoverClickRate,
    decimal? AvgViewSecond,
    decimal? AvgViewProportion,
    decimal? FanViewProportion,
    int? ReviewStatus,
    long? DouPlusViewCount,
    long? IncentivePlayCount,
    long? VvBoostTotal,
    int? ContentQuality,
    long? SubsidyVv,
    decimal? SubsidyIncome);

internal sealed record RefreshInWarehouse(string ItemId, string Endpoint, string Variant, string Status);

/// <summary>
/// What the warehouse must hold after an item-analytics run, computed from the sandbox's truth for the payload shape it
/// served: which work × endpoint was fetched with which status, and every row of every table, value for value.
/// </summary>
internal static class AnalyticsTruth
{
    public const string Overview = "fetch_item_overview_data";
    public const string PlaySource = "fetch_item_play_source";
    public const string SearchKeyword = "fetch_item_search_keyword";
    public const string WatchTrend = "fetch_item_watch_trend";
    public const string Portrait = "fetch_item_audience_portrait";
    public const string Others = "fetch_item_audience_others";
    public const string Danmaku = "fetch_item_danmaku_analysis";

    public static readonly IReadOnlyList<(string Endpoint, string Variant, bool VideoOnly)> Units =
    [
        (Overview, "", false), (PlaySource, "", false), (SearchKeyword, "", false),
        (WatchTrend, "1", true), (WatchTrend, "2", true), (WatchTrend, "7", true),
        (Portrait, "", false), (Others, "", false), (Danmaku, "", true),
    ];

    /// <summary>Works inside the 90-day horizon at the harness's now (the ones a first run fetches).</summary>
    public static List<SandboxItem> YoungItems(Harness harness, IReadOnlyCollection<string>? accounts = null) =>
        [.. harness.Sandbox.World.AllVisibleItems(harness.Now)
            .Where(i => i.PublishTime > harness.Now.AddDays(-90) && (accounts is null || accounts.Contains(i.AccountId)))];

    public static bool IsImagePost(SandboxItem item) => item.IsImagePost;

    /// <summary>Every unit of <paramref name="items"/> with the status the sandbox gives it now.</summary>
    public static List<RefreshInWarehouse> ExpectedRefresh(Harness harness, IEnumerable<SandboxItem> items) => ExpectedRefresh(harness.Sandbox.World, harness.Now, items);

    public static List<RefreshInWarehouse> ExpectedRefresh(SandboxWorld world, DateTimeOffset now, IEnumerable<SandboxItem> items) =>
        [.. items.SelectMany(item => Units
                .Where(u => !(u.VideoOnly && IsImagePost(item)))
                .Select(u => new RefreshInWarehouse(item.Id, u.Endpoint, u.Variant,
                    u.Endpoint != Overview && world.Analytics.NoDataYet(item, now) ? "no_data_yet" : "ok")))
            .OrderBy(r => r.ItemId, StringComparer.Ordinal).ThenBy(r => r.Endpoint, StringComparer.Ordinal).ThenBy(r => r.Variant, StringComparer.Ordinal)];

    /// <summary>
    /// The answers of today's day in douyin.item_analysis_fetch against the sandbox: each work fetched today has every
    /// unit it has, each with the status the sandbox gives it now (data, or "no data yet").
    /// </summary>
    public static async Task<TableDifference<RefreshInWarehouse>> CompareFetchesAsync(string connectionString, SandboxWorld world, DateTimeOffset now)
    {
        var fetched = await WarehouseRows.QueryAsync<RefreshInWarehouse>(
            connectionString,
            "SELECT item_id, endpoint, variant, status FROM douyin.item_analysis_fetch WHERE snapshot_day = @Day",
            new { Day = ShanghaiClock.Day(now) });
        var items = fetched.Select(f => f.ItemId).Distinct().Select(id => world.Analytics.Find(id)).OfType<SandboxItem>();
        return TableDifference<RefreshInWarehouse>.Of("douyin.item_analysis_fetch", fetched, ExpectedRefresh(world, now, items));
    }

    /// <summary>Today's play sources of every work whose play-source answer had data today, value for value.</summary>
    public static async Task<TableDifference<PlaySourceInWarehouse>> ComparePlaySourcesAsync(string connectionString, SandboxWorld world, DateTimeOffset now)
    {
        var items = await WarehouseRows.QueryAsync<string>(
            connectionString,
            "SELECT item_id FROM douyin.item_analysis_fetch WHERE snapshot_day = @Day AND endpoint = @Endpoint AND status = 'ok'",
            new { Day = ShanghaiClock.Day(now), Endpoint = PlaySource });
        return await CompareRowsAsync(connectionString, now, "douyin.item_play_source", PlaySourcesSql, ExpectedPlaySources(world.Analytics, items.Select(id => world.Analytics.Find(id)!), now));
    }

    private const string PlaySourcesSql = "SELECT item_id, app_id, source, ratio, history_difference FROM douyin.item_play_source WHERE snapshot_day = @Day";

    private static IEnumerable<PlaySourceInWarehouse> ExpectedPlaySources(ItemAnalytics analytics, IEnumerable<SandboxItem> items, DateTimeOffset now) =>
        items.SelectMany(item => analytics.PlaySources(item, now).Select(s => new PlaySourceInWarehouse(item.Id, s.AppId, s.Key, s.Value, s.HistoryDifference)));

    public static Task<List<RefreshInWarehouse>> RefreshAsync(Harness harness) =>
        harness.QueryAsync<RefreshInWarehouse>("SELECT item_id, endpoint, variant, status FROM etl.item_refresh ORDER BY item_id COLLATE \"C\", endpoint COLLATE \"C\", variant COLLATE \"C\"");

    /// <summary>Every table's rows of today equal the truth, for the works whose answers were fetched today.</summary>
    public static async Task AssertTablesEqualTruthAsync(Harness harness, PayloadVariant variant)
    {
        var analytics = harness.Sandbox.World.Analytics;
        var now = harness.Now;
        var documented = variant == PayloadVariant.Documented;
        var fetched = await harness.QueryAsync<(string ItemId, string Endpoint, string Variant)>(
            "SELECT item_id, endpoint, variant FROM douyin.item_analysis_fetch WHERE snapshot_day = @Day AND status = 'ok'",
            new { Day = ShanghaiClock.Day(now) });
        Assert.NotEmpty(fetched);
        List<SandboxItem> ItemsOf(string endpoint) =>
            [.. fetched.Where(f => f.Endpoint == endpoint).Select(f => f.ItemId).Distinct().Select(id => analytics.Find(id)!)];

        var overviewExpected = ItemsOf(Overview).Select(item =>
        {
            var t = analytics.Overview(item, now);
            var m = t.Metrics;
            var rates = m.ViewCount > 0;
            return new OverviewInWarehouse(item.Id, m.ViewCount, m.LikeCount, m.CommentCount, m.ShareCount, m.FavoriteCount,
                m.SubscribeCount, t.UnsubscribeCount, t.DanmakuCount,
                rates ? m.CompletionRate : null, rates ? m.CompletionRate5s : null, rates ? m.BounceRate2s : null,
                rates ? m.CoverClickRate : null, rates ? m.AvgViewSecond : null, rates ? t.AvgViewProportion : null,
                rates ? t.FanViewProportion : null, t.ReviewStatus, t.DouPlusViewCount, t.IncentivePlayCount, t.VvBoostTotal,
                t.ContentQuality, t.SubsidyVv, t.SubsidyIncome);
        });
        await AssertRowsAsync(harness, "douyin.item_overview", """
            SELECT item_id, view_count, like_count, comment_count, share_count, favorite_count, subscribe_count,
                   unsubscribe_count, danmaku_count, completion_rate, completion_rate_5s, bounce_rate_2s, cover_click_rate,
                   avg_view_second, avg_view_proportion, fan_view_proportion, review_status, dou_plus_view_count,
                   incentive_play_count, vv_boost_total, content_quality, subsidy_vv, subsidy_income
            FROM douyin.item_overview WHERE snapshot_day = @Day
            """, overviewExpected);

        await AssertRowsAsync(harness, "douyin.item_play_source", PlaySourcesSql, ExpectedPlaySources(analytics, ItemsOf(PlaySource), now));

        var searchItems = ItemsOf(SearchKeyword);
        await AssertRowsAsync(harness, "douyin.item_search_keyword",
            "SELECT item_id, list, keyword, search_count, share FROM douyin.item_search_keyword WHERE snapshot_day = @Day",
            searchItems.SelectMany(item =>
            {
                var t = analytics.SearchKeywords(item, now);
                var showFrom = t.ShowFrom.Select(k => new SearchKeywordInWarehouse(item.Id, "show_from", k.Keyword, documented ? k.Count : null, k.Share));
                var inspire = t.InspireSearch.Select(k => new SearchKeywordInWarehouse(item.Id, "inspire_search", k.Keyword, null, k.Share));
                return documented ? showFrom : showFrom.Concat(inspire);
            }));
        await AssertRowsAsync(harness, "douyin.item_search_keyword_total",
            "SELECT item_id, total_count FROM douyin.item_search_keyword_total WHERE snapshot_day = @Day",
            documented ? searchItems.Select(item => (item.Id, analytics.SearchKeywords(item, now).TotalCount)) : []);

        var trends = fetched.Where(f => f.Endpoint == WatchTrend).ToList();
        await AssertRowsAsync(harness, "douyin.item_watch_trend",
            "SELECT item_id, analysis_type, series, second, value FROM douyin.item_watch_trend WHERE snapshot_day = @Day",
            trends.SelectMany(f =>
            {
                var type = short.Parse(f.Variant, System.Globalization.CultureInfo.InvariantCulture);
                var t = analytics.WatchTrend(analytics.Find(f.ItemId)!, now, type);
                return t.CurrentItem.Select(p => new WatchTrendInWarehouse(f.ItemId, type, "current_item", p.Second, p.Value))
                    .Concat(t.SimilarAuthor.Select(p => new WatchTrendInWarehouse(f.ItemId, type, "similar_author", p.Second, p.Value)));
            }));

        await AssertRowsAsync(harness, "douyin.item_audience_portrait",
            "SELECT item_id, dimension, bucket, ratio, tgi FROM douyin.item_audience_portrait WHERE snapshot_day = @Day",
            ItemsOf(Portrait).SelectMany(item => analytics.Portrait(item, now).Buckets
                .Select(b => new PortraitInWarehouse(item.Id, b.Dimension, b.Key, b.Ratio, documented ? b.Tgi : null))));

        await AssertRowsAsync(harness, "douyin.item_audience_others",
            "SELECT item_id, kind, key, ratio, query_count_7d FROM douyin.item_audience_others WHERE snapshot_day = @Day",
            ItemsOf(Others).SelectMany(item =>
            {
                var t = analytics.AudienceOthers(item, now);
                return documented
                    ? new[] { new AudienceOthersInWarehouse(item.Id, "fan_share", "1", t.FanShare, null), new AudienceOthersInWarehouse(item.Id, "fan_share", "0", 1 - t.FanShare, null) }
                        .Concat(t.InterestKeywords.Select(k => new AudienceOthersInWarehouse(item.Id, "interest_keyword", k.Key, k.Value, null)))
                    : t.Preferences.Select(p => new AudienceOthersInWarehouse(item.Id, "preference", p.Key, p.Value, null))
                        .Concat(t.SearchKeywords.Select(k => new AudienceOthersInWarehouse(item.Id, "search_keyword", k.Keyword, null, k.QueryCount7d)));
            }));

        var danmakuItems = ItemsOf(Danmaku);
        await AssertRowsAsync(harness, "douyin.item_danmaku_distribution",
            "SELECT item_id, series, second, value, share FROM douyin.item_danmaku_distribution WHERE snapshot_day = @Day",
            danmakuItems.SelectMany(item =>
            {
                var t = analytics.Danmaku(item, now);
                var own = t.Distribution.Select(p => new DanmakuPointInWarehouse(item.Id, "current_item", p.Second, p.Count, documented ? p.Percentage / 100 : null));
                return documented ? own : own.Concat(t.SimilarAuthor.Select(p => new DanmakuPointInWarehouse(item.Id, "similar_author", p.Second, p.Value, null)));
            }));
        await AssertRowsAsync(harness, "douyin.item_danmaku_hot_word",
            "SELECT item_id, word, occurrences, sentiment FROM douyin.item_danmaku_hot_word WHERE snapshot_day = @Day",
            documented ? danmakuItems.SelectMany(item => analytics.Danmaku(item, now).HotWords.Select(w => new DanmakuWordInWarehouse(item.Id, w.Word, w.Count, w.Sentiment))) : []);
        await AssertRowsAsync(harness, "douyin.item_danmaku_total",
            "SELECT item_id, total_count, peak_second FROM douyin.item_danmaku_total WHERE snapshot_day = @Day",
            documented ? danmakuItems.Select(item => analytics.Danmaku(item, now)).Zip(danmakuItems, (t, item) => new DanmakuTotalInWarehouse(item.Id, t.TotalCount, t.PeakSecond)) : []);
    }

    /// <summary>The table's rows of today equal the expected ones (values compared as values: 0.25 equals 0.250000); the message names the first differences.</summary>
    private static async Task AssertRowsAsync<T>(Harness harness, string table, string sql, IEnumerable<T> expected)
        where T : notnull
    {
        var differences = await CompareRowsAsync(harness.ConnectionString, harness.Now, table, sql, expected);
        Assert.True(differences.Count == 0, differences.ToString());
    }

    private static async Task<TableDifference<T>> CompareRowsAsync<T>(string connectionString, DateTimeOffset now, string table, string sql, IEnumerable<T> expected)
        where T : notnull =>
        TableDifference<T>.Of(table, await WarehouseRows.QueryAsync<T>(connectionString, sql, new { Day = ShanghaiClock.Day(now) }), [.. expected]);
}

/// <summary>A table's rows against the expected ones: each row missing or unexpected is one difference (so is each duplicate).</summary>
internal sealed record TableDifference<T>(string Table, IReadOnlyList<T> Landed, int Expected, IReadOnlyList<T> Missing, IReadOnlyList<T> Unexpected)
    where T : notnull
{
    public int Count => Missing.Count + Unexpected.Count;

    public static TableDifference<T> Of(string table, IReadOnlyList<T> landed, IReadOnlyList<T> expected) =>
        new(table, landed, expected.Count, Without(expected, landed), Without(landed, expected));

    public override string ToString() =>
        $"{Table}: {Landed.Count} rows landed, {Expected} expected.\n  missing: {string.Join("\n           ", Missing.Take(3))}\n  unexpected: {string.Join("\n              ", Unexpected.Take(3))}";

    /// <summary>The rows of <paramref name="rows"/> left once each row of <paramref name="taken"/> has taken away one equal row.</summary>
    private static List<T> Without(IReadOnlyList<T> rows, IReadOnlyList<T> taken)
    {
        var takeable = taken.CountBy(r => r).ToDictionary();
        var left = new List<T>();
        foreach (var row in rows)
        {
            if (takeable.TryGetValue(row, out var n) && n > 0)
            {
                takeable[row] = n - 1;
            }
            else
            {
                left.Add(row);
            }
        }

        return left;
    }
}
