using DouyinEtl.Streams.ItemAnalytics;
using DouyinEtl.Warehouse;
using NpgsqlTypes;

namespace DouyinEtl.Streams.WatchTrend;

internal sealed record WatchTrendRow(ItemSnapshot Snapshot, short AnalysisType, TrendPoint Point);

internal static class WatchTrendSql
{
    public const string Table = "douyin.item_watch_trend";

    public static readonly StagedUpsert<WatchTrendRow> Rows = new(
        CreateStaging: "CREATE TEMP TABLE stage_item_watch_trend (LIKE douyin.item_watch_trend) ON COMMIT DROP",
        Copy: """
            COPY stage_item_watch_trend (item_id, snapshot_day, analysis_type, series, second, account_id, captured_at, value, source_call_id)
            FROM STDIN (FORMAT BINARY)
            """,
        WriteRow: (w, r) =>
        {
            var s = r.Snapshot;
            w.Write(s.ItemId, NpgsqlDbType.Text);
            w.Write(s.Day, NpgsqlDbType.Date);
            w.Write(r.AnalysisType, NpgsqlDbType.Smallint);
            w.Write(r.Point.Series, NpgsqlDbType.Text);
            w.Write(r.Point.Second, NpgsqlDbType.Integer);
            w.Write(s.AccountId, NpgsqlDbType.Text);
            w.Write(s.CapturedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
            w.WriteNullable(r.Point.Value, NpgsqlDbType.Numeric);
            w.Write(s.CallId, NpgsqlDbType.Bigint);
        },
        Merge: """
            INSERT INTO douyin.item_watch_trend AS t
            SELECT DISTINCT ON (item_id, snapshot_day, analysis_type, series, second) *
            FROM stage_item_watch_trend
            ORDER BY item_id, snapshot_day, analysis_type, series, second
            ON CONFLICT (item_id, snapshot_day, analysis_type, series, second) DO UPDATE SET
                account_id     = excluded.account_id,
                captured_at    = excluded.captured_at,
                value          = excluded.value,
                source_call_id = excluded.source_call_id
            """);
}
