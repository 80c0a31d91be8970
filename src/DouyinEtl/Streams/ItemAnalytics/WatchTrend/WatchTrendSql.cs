using DouyinEtl.Warehouse;
using NpgsqlTypes;

namespace DouyinEtl.Streams.ItemAnalytics.WatchTrend;

internal sealed record WatchTrendRow(ItemSnapshot Snapshot, short AnalysisType, TrendPoint Point) : IWorkDayRow;

internal static class WatchTrendSql
{
    public const string Table = "douyin.item_watch_trend";

    public static readonly StagedUpsert<WatchTrendRow> Rows = DayTable.Upsert<WatchTrendRow>(
        Table,
        key:
        [
            new("analysis_type", (w, r) => w.Write(r.AnalysisType, NpgsqlDbType.Smallint)),
            new("series", (w, r) => w.Write(r.Point.Series, NpgsqlDbType.Text)),
            new("second", (w, r) => w.Write(r.Point.Second, NpgsqlDbType.Integer)),
        ],
        values:
        [
            new("value", (w, r) => w.WriteNullable(r.Point.Value, NpgsqlDbType.Numeric)),
        ]);
}
