using DouyinEtl.Warehouse;
using NpgsqlTypes;

namespace DouyinEtl.Streams.ItemAnalytics.PlaySource;

internal sealed record PlaySourceRow(ItemSnapshot Snapshot, PlaySourceShare Share) : IWorkDayRow;

internal static class PlaySourceSql
{
    public const string Table = "douyin.item_play_source";

    public static readonly StagedUpsert<PlaySourceRow> Rows = DayTable.Upsert<PlaySourceRow>(
        Table,
        key:
        [
            new("app_id", (w, r) => w.Write(r.Share.AppId, NpgsqlDbType.Integer)),
            new("source", (w, r) => w.Write(Text.Storable(r.Share.Source)!, NpgsqlDbType.Text)),
        ],
        values:
        [
            new("ratio", (w, r) => w.WriteNullable(r.Share.Ratio, NpgsqlDbType.Numeric)),
            new("history_difference", (w, r) => w.WriteNullable(r.Share.HistoryDifference, NpgsqlDbType.Numeric)),
        ]);
}
