using DouyinEtl.Streams.ItemAnalytics;
using DouyinEtl.Warehouse;
using NpgsqlTypes;

namespace DouyinEtl.Streams.AudiencePortrait;

internal sealed record PortraitRow(ItemSnapshot Snapshot, PortraitBucket Bucket);

internal static class AudiencePortraitSql
{
    public const string Table = "douyin.item_audience_portrait";

    public static readonly StagedUpsert<PortraitRow> Rows = new(
        CreateStaging: "CREATE TEMP TABLE stage_item_audience_portrait (LIKE douyin.item_audience_portrait) ON COMMIT DROP",
        Copy: """
            COPY stage_item_audience_portrait (item_id, snapshot_day, dimension, bucket, account_id, captured_at, ratio, tgi, source_call_id)
            FROM STDIN (FORMAT BINARY)
            """,
        WriteRow: (w, r) =>
        {
            var s = r.Snapshot;
            w.Write(s.ItemId, NpgsqlDbType.Text);
            w.Write(s.Day, NpgsqlDbType.Date);
            w.Write(Text.Storable(r.Bucket.Dimension)!, NpgsqlDbType.Text);
            w.Write(Text.Storable(r.Bucket.Bucket)!, NpgsqlDbType.Text);
            w.Write(s.AccountId, NpgsqlDbType.Text);
            w.Write(s.CapturedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
            w.WriteNullable(r.Bucket.Ratio, NpgsqlDbType.Numeric);
            w.WriteNullable(r.Bucket.Tgi, NpgsqlDbType.Numeric);
            w.Write(s.CallId, NpgsqlDbType.Bigint);
        },
        Merge: """
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
            """);
}
