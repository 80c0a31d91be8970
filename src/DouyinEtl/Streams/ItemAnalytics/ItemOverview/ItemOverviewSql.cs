using DouyinEtl.Warehouse;
using NpgsqlTypes;

namespace DouyinEtl.Streams.ItemAnalytics.ItemOverview;

/// <summary>One work × day of <c>douyin.item_overview</c>.</summary>
internal sealed record OverviewRow(ItemSnapshot Snapshot, OverviewItem Item);

internal static class ItemOverviewSql
{
    // One row per work and day: a second fetch the same day overwrites it.
    public static readonly StagedUpsert<OverviewRow> Rows = new(
        CreateStaging: "CREATE TEMP TABLE stage_item_overview (LIKE douyin.item_overview) ON COMMIT DROP",
        Copy: """
            COPY stage_item_overview (item_id, snapshot_day, account_id, captured_at, view_count, like_count, comment_count,
                 share_count, favorite_count, subscribe_count, unsubscribe_count, danmaku_count, completion_rate,
                 completion_rate_5s, bounce_rate_2s, cover_click_rate, avg_view_second, avg_view_proportion,
                 fan_view_proportion, review_status, dou_plus_view_count, incentive_play_count, vv_boost_total,
                 content_quality, subsidy_vv, subsidy_income, metrics, review, play_info, dou_plus, integrated_incentive,
                 incentive_life, content_analysis, source_call_id)
            FROM STDIN (FORMAT BINARY)
            """,
        WriteRow: (w, r) =>
        {
            var s = r.Snapshot;
            var i = r.Item;
            var m = i.Metrics;
            w.Write(s.ItemId, NpgsqlDbType.Text);
            w.Write(s.Day, NpgsqlDbType.Date);
            w.Write(s.AccountId, NpgsqlDbType.Text);
            w.Write(s.CapturedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
            w.WriteNullable(m.ViewCount, NpgsqlDbType.Bigint);
            w.WriteNullable(m.LikeCount, NpgsqlDbType.Bigint);
            w.WriteNullable(m.CommentCount, NpgsqlDbType.Bigint);
            w.WriteNullable(m.ShareCount, NpgsqlDbType.Bigint);
            w.WriteNullable(m.FavoriteCount, NpgsqlDbType.Bigint);
            w.WriteNullable(m.SubscribeCount, NpgsqlDbType.Bigint);
            w.WriteNullable(m.UnsubscribeCount, NpgsqlDbType.Bigint);
            w.WriteNullable(m.DanmakuCount, NpgsqlDbType.Bigint);
            w.WriteNullable(m.CompletionRate, NpgsqlDbType.Numeric);
            w.WriteNullable(m.CompletionRate5s, NpgsqlDbType.Numeric);
            w.WriteNullable(m.BounceRate2s, NpgsqlDbType.Numeric);
            w.WriteNullable(m.CoverClickRate, NpgsqlDbType.Numeric);
            w.WriteNullable(m.AvgViewSecond, NpgsqlDbType.Numeric);
            w.WriteNullable(m.AvgViewProportion, NpgsqlDbType.Numeric);
            w.WriteNullable(m.FanViewProportion, NpgsqlDbType.Numeric);
            w.WriteNullable(i.ReviewStatus, NpgsqlDbType.Integer);
            w.WriteNullable(i.DouPlusViewCount, NpgsqlDbType.Bigint);
            w.WriteNullable(i.IncentivePlayCount, NpgsqlDbType.Bigint);
            w.WriteNullable(i.VvBoostTotal, NpgsqlDbType.Bigint);
            w.WriteNullable(i.ContentQuality, NpgsqlDbType.Integer);
            w.WriteNullable(i.SubsidyVv, NpgsqlDbType.Bigint);
            w.WriteNullable(i.SubsidyIncome, NpgsqlDbType.Numeric);
            w.WriteJson(i.Sections.Metrics);
            w.WriteJson(i.Sections.Review);
            w.WriteJson(i.Sections.PlayInfo);
            w.WriteJson(i.Sections.DouPlus);
            w.WriteJson(i.Sections.IntegratedIncentive);
            w.WriteJson(i.Sections.IncentiveLife);
            w.WriteJson(i.Sections.ContentAnalysis);
            w.Write(s.CallId, NpgsqlDbType.Bigint);
        },
        Merge: """
            INSERT INTO douyin.item_overview AS t
            SELECT DISTINCT ON (item_id, snapshot_day) *
            FROM stage_item_overview
            ORDER BY item_id, snapshot_day, captured_at DESC
            ON CONFLICT (item_id, snapshot_day) DO UPDATE SET
                account_id           = excluded.account_id,
                captured_at          = excluded.captured_at,
                view_count           = excluded.view_count,
                like_count           = excluded.like_count,
                comment_count        = excluded.comment_count,
                share_count          = excluded.share_count,
                favorite_count       = excluded.favorite_count,
                subscribe_count      = excluded.subscribe_count,
                unsubscribe_count    = excluded.unsubscribe_count,
                danmaku_count        = excluded.danmaku_count,
                completion_rate      = excluded.completion_rate,
                completion_rate_5s   = excluded.completion_rate_5s,
                bounce_rate_2s       = excluded.bounce_rate_2s,
                cover_click_rate     = excluded.cover_click_rate,
                avg_view_second      = excluded.avg_view_second,
                avg_view_proportion  = excluded.avg_view_proportion,
                fan_view_proportion  = excluded.fan_view_proportion,
                review_status        = excluded.review_status,
                dou_plus_view_count  = excluded.dou_plus_view_count,
                incentive_play_count = excluded.incentive_play_count,
                vv_boost_total       = excluded.vv_boost_total,
                content_quality      = excluded.content_quality,
                subsidy_vv           = excluded.subsidy_vv,
                subsidy_income       = excluded.subsidy_income,
                metrics              = excluded.metrics,
                review               = excluded.review,
                play_info            = excluded.play_info,
                dou_plus             = excluded.dou_plus,
                integrated_incentive = excluded.integrated_incentive,
                incentive_life       = excluded.incentive_life,
                content_analysis     = excluded.content_analysis,
                source_call_id       = excluded.source_call_id
            """);
}
