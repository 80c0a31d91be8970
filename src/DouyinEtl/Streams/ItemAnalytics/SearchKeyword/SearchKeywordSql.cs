using DouyinEtl.Warehouse;
using NpgsqlTypes;

namespace DouyinEtl.Streams.ItemAnalytics.SearchKeyword;

internal sealed record SearchKeywordRow(ItemSnapshot Snapshot, SearchWord Word) : IWorkDayRow;

internal sealed record SearchTotalRow(ItemSnapshot Snapshot, long TotalCount) : IWorkDayRow;

internal static class SearchKeywordSql
{
    public const string WordTable = "douyin.item_search_keyword";
    public const string TotalTable = "douyin.item_search_keyword_total";

    public static readonly StagedUpsert<SearchKeywordRow> Words = DayTable.Upsert<SearchKeywordRow>(
        WordTable,
        key:
        [
            new("list", (w, r) => w.Write(r.Word.List, NpgsqlDbType.Text)),
            new("keyword", (w, r) => w.Write(Text.Storable(r.Word.Keyword)!, NpgsqlDbType.Text)),
        ],
        values:
        [
            new("search_count", (w, r) => w.WriteNullable(r.Word.SearchCount, NpgsqlDbType.Bigint)),
            new("share", (w, r) => w.WriteNullable(r.Word.Share, NpgsqlDbType.Numeric)),
        ]);

    public static readonly StagedUpsert<SearchTotalRow> Totals = DayTable.Upsert<SearchTotalRow>(
        TotalTable,
        key: [],
        values:
        [
            new("total_count", (w, r) => w.Write(r.TotalCount, NpgsqlDbType.Bigint)),
        ]);
}
