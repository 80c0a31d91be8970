using DouyinEtl.Streams.ItemAnalytics.AudienceOthers;
using DouyinEtl.Streams.ItemAnalytics.AudiencePortrait;
using DouyinEtl.Streams.ItemAnalytics.Danmaku;
using DouyinEtl.Streams.ItemAnalytics.PlaySource;
using DouyinEtl.Streams.ItemAnalytics.SearchKeyword;
using DouyinEtl.Streams.ItemAnalytics.WatchTrend;
using DouyinEtl.Warehouse;

namespace DouyinEtl.UnitTests.Streams.ItemAnalytics;

/// <summary>
/// The per-work day tables are declared once (DayTable) and their SQL rendered: here is that SQL, as a reviewer reads it.
/// A change to the rendering shows up as a difference in the statements below.
/// </summary>
public sealed class DayTableTests
{
    public static TheoryData<string> Tables => new("PlaySourceSql.Rows", "SearchKeywordSql.Words", "SearchKeywordSql.Totals", "WatchTrendSql.Rows", "AudiencePortraitSql.Rows", "AudienceOthersSql.Rows", "DanmakuSql.Distribution", "DanmakuSql.HotWords", "DanmakuSql.Totals");

    [Theory]
    [MemberData(nameof(Tables))]
    public void RenderedSql_IsTheStatementsBelow(string name)
    {
        var (upsert, table, copy, merge) = Expected(name);

        Assert.Equal($"CREATE TEMP TABLE stage_{table[(table.IndexOf('.') + 1)..]} (LIKE {table}) ON COMMIT DROP", upsert.CreateStaging);
        Assert.Equal(copy, upsert.Copy);
        Assert.Equal(merge, upsert.Merge);
    }

    private static (Rendered Upsert, string Table, string Copy, string Merge) Expected(string name) => name switch
    {
        "PlaySourceSql.Rows" => (
            Of(PlaySourceSql.Rows),
            "douyin.item_play_source",
            """
            COPY stage_item_play_source (item_id, snapshot_day, app_id, source, account_id, captured_at, ratio, history_difference, source_call_id)
            FROM STDIN (FORMAT BINARY)
            """,
            """
            INSERT INTO douyin.item_play_source AS t
            SELECT DISTINCT ON (item_id, snapshot_day, app_id, source) *
            FROM stage_item_play_source
            ORDER BY item_id, snapshot_day, app_id, source
            ON CONFLICT (item_id, snapshot_day, app_id, source) DO UPDATE SET
                account_id         = excluded.account_id,
                captured_at        = excluded.captured_at,
                ratio              = excluded.ratio,
                history_difference = excluded.history_difference,
                source_call_id     = excluded.source_call_id
            """),
        "SearchKeywordSql.Words" => (
            Of(SearchKeywordSql.Words),
            "douyin.item_search_keyword",
            """
            COPY stage_item_search_keyword (item_id, snapshot_day, list, keyword, account_id, captured_at, search_count, share, source_call_id)
            FROM STDIN (FORMAT BINARY)
            """,
            """
            INSERT INTO douyin.item_search_keyword AS t
            SELECT DISTINCT ON (item_id, snapshot_day, list, keyword) *
            FROM stage_item_search_keyword
            ORDER BY item_id, snapshot_day, list, keyword
            ON CONFLICT (item_id, snapshot_day, list, keyword) DO UPDATE SET
                account_id     = excluded.account_id,
                captured_at    = excluded.captured_at,
                search_count   = excluded.search_count,
                share          = excluded.share,
                source_call_id = excluded.source_call_id
            """),
        "SearchKeywordSql.Totals" => (
            Of(SearchKeywordSql.Totals),
            "douyin.item_search_keyword_total",
            """
            COPY stage_item_search_keyword_total (item_id, snapshot_day, account_id, captured_at, total_count, source_call_id)
            FROM STDIN (FORMAT BINARY)
            """,
            """
            INSERT INTO douyin.item_search_keyword_total AS t
            SELECT DISTINCT ON (item_id, snapshot_day) *
            FROM stage_item_search_keyword_total
            ORDER BY item_id, snapshot_day
            ON CONFLICT (item_id, snapshot_day) DO UPDATE SET
                account_id     = excluded.account_id,
                captured_at    = excluded.captured_at,
                total_count    = excluded.total_count,
                source_call_id = excluded.source_call_id
            """),
        "WatchTrendSql.Rows" => (
            Of(WatchTrendSql.Rows),
            "douyin.item_watch_trend",
            """
            COPY stage_item_watch_trend (item_id, snapshot_day, analysis_type, series, second, account_id, captured_at, value, source_call_id)
            FROM STDIN (FORMAT BINARY)
            """,
            """
            INSERT INTO douyin.item_watch_trend AS t
            SELECT DISTINCT ON (item_id, snapshot_day, analysis_type, series, second) *
            FROM stage_item_watch_trend
            ORDER BY item_id, snapshot_day, analysis_type, series, second
            ON CONFLICT (item_id, snapshot_day, analysis_type, series, second) DO UPDATE SET
                account_id     = excluded.account_id,
                captured_at    = excluded.captured_at,
                value          = excluded.value,
                source_call_id = excluded.source_call_id
            """),
        "AudiencePortraitSql.Rows" => (
            Of(AudiencePortraitSql.Rows),
            "douyin.item_audience_portrait",
            """
            COPY stage_item_audience_portrait (item_id, snapshot_day, dimension, bucket, account_id, captured_at, ratio, tgi, source_call_id)
            FROM STDIN (FORMAT BINARY)
            """,
            """
            INSERT INTO douyin.item_audience_portrait AS t
            SELECT DISTINCT ON (item_id, snapshot_day, dimension, bucket) *
            FROM stage_item_audience_portrait
            ORDER BY item_id, snapshot_day, dimension, bucket
            ON CONFLICT (item_id, snapshot_day, dimension, bucket) DO UPDATE SET
                account_id     = excluded.account_id,
                captured_at    = excluded.captured_at,
                ratio          = excluded.ratio,
                tgi            = excluded.tgi,
                source_call_id = excluded.source_call_id
            """),
        "AudienceOthersSql.Rows" => (
            Of(AudienceOthersSql.Rows),
            "douyin.item_audience_others",
            """
            COPY stage_item_audience_others (item_id, snapshot_day, kind, key, account_id, captured_at, ratio, query_count_7d, source_call_id)
            FROM STDIN (FORMAT BINARY)
            """,
            """
            INSERT INTO douyin.item_audience_others AS t
            SELECT DISTINCT ON (item_id, snapshot_day, kind, key) *
            FROM stage_item_audience_others
            ORDER BY item_id, snapshot_day, kind, key
            ON CONFLICT (item_id, snapshot_day, kind, key) DO UPDATE SET
                account_id     = excluded.account_id,
                captured_at    = excluded.captured_at,
                ratio          = excluded.ratio,
                query_count_7d = excluded.query_count_7d,
                source_call_id = excluded.source_call_id
            """),
        "DanmakuSql.Distribution" => (
            Of(DanmakuSql.Distribution),
            "douyin.item_danmaku_distribution",
            """
            COPY stage_item_danmaku_distribution (item_id, snapshot_day, series, second, account_id, captured_at, value, share, source_call_id)
            FROM STDIN (FORMAT BINARY)
            """,
            """
            INSERT INTO douyin.item_danmaku_distribution AS t
            SELECT DISTINCT ON (item_id, snapshot_day, series, second) *
            FROM stage_item_danmaku_distribution
            ORDER BY item_id, snapshot_day, series, second
            ON CONFLICT (item_id, snapshot_day, series, second) DO UPDATE SET
                account_id     = excluded.account_id,
                captured_at    = excluded.captured_at,
                value          = excluded.value,
                share          = excluded.share,
                source_call_id = excluded.source_call_id
            """),
        "DanmakuSql.HotWords" => (
            Of(DanmakuSql.HotWords),
            "douyin.item_danmaku_hot_word",
            """
            COPY stage_item_danmaku_hot_word (item_id, snapshot_day, word, account_id, captured_at, occurrences, sentiment, source_call_id)
            FROM STDIN (FORMAT BINARY)
            """,
            """
            INSERT INTO douyin.item_danmaku_hot_word AS t
            SELECT DISTINCT ON (item_id, snapshot_day, word) *
            FROM stage_item_danmaku_hot_word
            ORDER BY item_id, snapshot_day, word
            ON CONFLICT (item_id, snapshot_day, word) DO UPDATE SET
                account_id     = excluded.account_id,
                captured_at    = excluded.captured_at,
                occurrences    = excluded.occurrences,
                sentiment      = excluded.sentiment,
                source_call_id = excluded.source_call_id
            """),
        "DanmakuSql.Totals" => (
            Of(DanmakuSql.Totals),
            "douyin.item_danmaku_total",
            """
            COPY stage_item_danmaku_total (item_id, snapshot_day, account_id, captured_at, total_count, peak_second, source_call_id)
            FROM STDIN (FORMAT BINARY)
            """,
            """
            INSERT INTO douyin.item_danmaku_total AS t
            SELECT DISTINCT ON (item_id, snapshot_day) *
            FROM stage_item_danmaku_total
            ORDER BY item_id, snapshot_day
            ON CONFLICT (item_id, snapshot_day) DO UPDATE SET
                account_id     = excluded.account_id,
                captured_at    = excluded.captured_at,
                total_count    = excluded.total_count,
                peak_second    = excluded.peak_second,
                source_call_id = excluded.source_call_id
            """),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static Rendered Of<TRow>(StagedUpsert<TRow> upsert) => new(upsert.CreateStaging, upsert.Copy, upsert.Merge);

    private sealed record Rendered(string CreateStaging, string Copy, string Merge);
}
