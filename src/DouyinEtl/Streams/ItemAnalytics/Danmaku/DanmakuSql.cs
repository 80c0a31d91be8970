using DouyinEtl.Warehouse;
using NpgsqlTypes;

namespace DouyinEtl.Streams.ItemAnalytics.Danmaku;

internal sealed record DanmakuPointRow(ItemSnapshot Snapshot, DanmakuPoint Point) : IWorkDayRow;

internal sealed record DanmakuWordRow(ItemSnapshot Snapshot, DanmakuWord Word) : IWorkDayRow;

internal sealed record DanmakuTotalRow(ItemSnapshot Snapshot, DanmakuTotal Total) : IWorkDayRow;

internal static class DanmakuSql
{
    public const string DistributionTable = "douyin.item_danmaku_distribution";
    public const string HotWordTable = "douyin.item_danmaku_hot_word";
    public const string TotalTable = "douyin.item_danmaku_total";

    public static readonly StagedUpsert<DanmakuPointRow> Distribution = DayTable.Upsert<DanmakuPointRow>(
        DistributionTable,
        key:
        [
            new("series", (w, r) => w.Write(r.Point.Series, NpgsqlDbType.Text)),
            new("second", (w, r) => w.Write(r.Point.Second, NpgsqlDbType.Integer)),
        ],
        values:
        [
            new("value", (w, r) => w.WriteNullable(r.Point.Value, NpgsqlDbType.Numeric)),
            new("share", (w, r) => w.WriteNullable(r.Point.Share, NpgsqlDbType.Numeric)),
        ]);

    public static readonly StagedUpsert<DanmakuWordRow> HotWords = DayTable.Upsert<DanmakuWordRow>(
        HotWordTable,
        key:
        [
            new("word", (w, r) => w.Write(Text.Storable(r.Word.Word)!, NpgsqlDbType.Text)),
        ],
        values:
        [
            new("occurrences", (w, r) => w.WriteNullable(r.Word.Occurrences, NpgsqlDbType.Bigint)),
            new("sentiment", (w, r) => w.WriteNullable(Text.Storable(r.Word.Sentiment), NpgsqlDbType.Text)),
        ]);

    public static readonly StagedUpsert<DanmakuTotalRow> Totals = DayTable.Upsert<DanmakuTotalRow>(
        TotalTable,
        key: [],
        values:
        [
            new("total_count", (w, r) => w.WriteNullable(r.Total.TotalCount, NpgsqlDbType.Bigint)),
            new("peak_second", (w, r) => w.WriteNullable(r.Total.PeakSecond, NpgsqlDbType.Integer)),
        ]);
}
