using DouyinEtl.Warehouse;
using NpgsqlTypes;

namespace DouyinEtl.Streams.ItemAnalytics.AudienceOthers;

internal sealed record AudienceOthersRow(ItemSnapshot Snapshot, AudienceEntry Entry) : IWorkDayRow;

internal static class AudienceOthersSql
{
    public const string Table = "douyin.item_audience_others";

    public static readonly StagedUpsert<AudienceOthersRow> Rows = DayTable.Upsert<AudienceOthersRow>(
        Table,
        key:
        [
            new("kind", (w, r) => w.Write(r.Entry.Kind, NpgsqlDbType.Text)),
            new("key", (w, r) => w.Write(Text.Storable(r.Entry.Key)!, NpgsqlDbType.Text)),
        ],
        values:
        [
            new("ratio", (w, r) => w.WriteNullable(r.Entry.Ratio, NpgsqlDbType.Numeric)),
            new("query_count_7d", (w, r) => w.WriteNullable(r.Entry.QueryCount7d, NpgsqlDbType.Bigint)),
        ]);
}
