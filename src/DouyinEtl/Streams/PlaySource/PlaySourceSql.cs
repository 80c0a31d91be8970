using DouyinEtl.Streams.ItemAnalytics;
using DouyinEtl.Warehouse;
using NpgsqlTypes;

namespace DouyinEtl.Streams.PlaySource;

internal sealed record PlaySourceRow(ItemSnapshot Snapshot, PlaySourceShare Share);

internal static class PlaySourceSql
{
    public const string Table = "douyin.item_play_source";

    public static readonly StagedUpsert<PlaySourceRow> Rows = new(
        CreateStaging: "CREATE TEMP TABLE stage_item_play_source (LIKE douyin.item_play_source) ON COMMIT DROP",
        Copy: """
            COPY stage_item_play_source (item_id, snapshot_day, app_id, source, account_id, captured_at, ratio, history_difference, source_call_id)
            FROM STDIN (FORMAT BINARY)
            """,
        WriteRow: (w, r) =>
        {
            var s = r.Snapshot;
            w.Write(s.ItemId, NpgsqlDbType.Text);
            w.Write(s.Day, NpgsqlDbType.Date);
            w.Write(r.Share.AppId, NpgsqlDbType.Integer);
            w.Write(Text.Storable(r.Share.Source)!, NpgsqlDbType.Text);
            w.Write(s.AccountId, NpgsqlDbType.Text);
            w.Write(s.CapturedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
            w.WriteNullable(r.Share.Ratio, NpgsqlDbType.Numeric);
            w.WriteNullable(r.Share.HistoryDifference, NpgsqlDbType.Numeric);
            w.Write(s.CallId, NpgsqlDbType.Bigint);
        },
        Merge: """
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
            """);
}
