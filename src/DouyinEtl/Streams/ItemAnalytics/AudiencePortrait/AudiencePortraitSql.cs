using DouyinEtl.Warehouse;
using NpgsqlTypes;

namespace DouyinEtl.Streams.ItemAnalytics.AudiencePortrait;

internal sealed record PortraitRow(ItemSnapshot Snapshot, PortraitBucket Bucket) : IWorkDayRow;

internal static class AudiencePortraitSql
{
    public const string Table = "douyin.item_audience_portrait";

    public static readonly StagedUpsert<PortraitRow> Rows = DayTable.Upsert<PortraitRow>(
        Table,
        key:
        [
            new("dimension", (w, r) => w.Write(Text.Storable(r.Bucket.Dimension)!, NpgsqlDbType.Text)),
            new("bucket", (w, r) => w.Write(Text.Storable(r.Bucket.Bucket)!, NpgsqlDbType.Text)),
        ],
        values:
        [
            new("ratio", (w, r) => w.WriteNullable(r.Bucket.Ratio, NpgsqlDbType.Numeric)),
            new("tgi", (w, r) => w.WriteNullable(r.Bucket.Tgi, NpgsqlDbType.Numeric)),
        ]);
}
