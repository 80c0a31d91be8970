using DouyinEtl.Streams.ItemAnalytics;
using DouyinEtl.Warehouse;
using NpgsqlTypes;

namespace DouyinEtl.Streams.AudienceOthers;

internal sealed record AudienceOthersRow(ItemSnapshot Snapshot, AudienceEntry Entry);

internal static class AudienceOthersSql
{
    public const string Table = "douyin.item_audience_others";

    public static readonly StagedUpsert<AudienceOthersRow> Rows = new(
        CreateStaging: "CREATE TEMP TABLE stage_item_audience_others (LIKE douyin.item_audience_others) ON COMMIT DROP",
        Copy: """
            COPY stage_item_audience_others (item_id, snapshot_day, kind, key, account_id, captured_at, ratio, query_count_7d, source_call_id)
            FROM STDIN (FORMAT BINARY)
            """,
        WriteRow: (w, r) =>
        {
            var s = r.Snapshot;
            w.Write(s.ItemId, NpgsqlDbType.Text);
            w.Write(s.Day, NpgsqlDbType.Date);
            w.Write(r.Entry.Kind, NpgsqlDbType.Text);
            w.Write(Text.Storable(r.Entry.Key)!, NpgsqlDbType.Text);
            w.Write(s.AccountId, NpgsqlDbType.Text);
            w.Write(s.CapturedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
            w.WriteNullable(r.Entry.Ratio, NpgsqlDbType.Numeric);
            w.WriteNullable(r.Entry.QueryCount7d, NpgsqlDbType.Bigint);
            w.Write(s.CallId, NpgsqlDbType.Bigint);
        },
        Merge: """
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
            """);
}
