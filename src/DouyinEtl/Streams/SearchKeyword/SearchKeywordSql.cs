using DouyinEtl.Streams.ItemAnalytics;
using DouyinEtl.Warehouse;
using NpgsqlTypes;

namespace DouyinEtl.Streams.SearchKeyword;

internal sealed record SearchKeywordRow(ItemSnapshot Snapshot, SearchWord Word);

internal sealed record SearchTotalRow(ItemSnapshot Snapshot, long TotalCount);

internal static class SearchKeywordSql
{
    public const string WordTable = "douyin.item_search_keyword";
    public const string TotalTable = "douyin.item_search_keyword_total";

    public static readonly StagedUpsert<SearchKeywordRow> Words = new(
        CreateStaging: "CREATE TEMP TABLE stage_item_search_keyword (LIKE douyin.item_search_keyword) ON COMMIT DROP",
        Copy: """
            COPY stage_item_search_keyword (item_id, snapshot_day, list, keyword, account_id, captured_at, search_count, share, source_call_id)
            FROM STDIN (FORMAT BINARY)
            """,
        WriteRow: (w, r) =>
        {
            var s = r.Snapshot;
            w.Write(s.ItemId, NpgsqlDbType.Text);
            w.Write(s.Day, NpgsqlDbType.Date);
            w.Write(r.Word.List, NpgsqlDbType.Text);
            w.Write(Text.Storable(r.Word.Keyword)!, NpgsqlDbType.Text);
            w.Write(s.AccountId, NpgsqlDbType.Text);
            w.Write(s.CapturedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
            w.WriteNullable(r.Word.SearchCount, NpgsqlDbType.Bigint);
            w.WriteNullable(r.Word.Share, NpgsqlDbType.Numeric);
            w.Write(s.CallId, NpgsqlDbType.Bigint);
        },
        Merge: """
            INSERT INTO douyin.item_search_keyword AS t
            SELECT DISTINCT ON (item_id, snapshot_day, list, keyword) *
            FROM stage_item_search_keyword
            ORDER BY item_id, snapshot_day, list, keyword
            ON CONFLICT (item_id, snapshot_day, list, keyword) DO UPDATE SET
                account_id     = excluded.account_id,
                captured_at    = excluded.captured_at,
                search_count   = excluded.search_count,
                share          = excluded.share,
                source_call_id = excluded.source_call_id
            """);

    public static readonly StagedUpsert<SearchTotalRow> Totals = new(
        CreateStaging: "CREATE TEMP TABLE stage_item_search_keyword_total (LIKE douyin.item_search_keyword_total) ON COMMIT DROP",
        Copy: """
            COPY stage_item_search_keyword_total (item_id, snapshot_day, account_id, captured_at, total_count, source_call_id)
            FROM STDIN (FORMAT BINARY)
            """,
        WriteRow: (w, r) =>
        {
            var s = r.Snapshot;
            w.Write(s.ItemId, NpgsqlDbType.Text);
            w.Write(s.Day, NpgsqlDbType.Date);
            w.Write(s.AccountId, NpgsqlDbType.Text);
            w.Write(s.CapturedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
            w.Write(r.TotalCount, NpgsqlDbType.Bigint);
            w.Write(s.CallId, NpgsqlDbType.Bigint);
        },
        Merge: """
            INSERT INTO douyin.item_search_keyword_total AS t
            SELECT DISTINCT ON (item_id, snapshot_day) *
            FROM stage_item_search_keyword_total
            ORDER BY item_id, snapshot_day
            ON CONFLICT (item_id, snapshot_day) DO UPDATE SET
                account_id     = excluded.account_id,
                captured_at    = excluded.captured_at,
                total_count    = excluded.total_count,
                source_call_id = excluded.source_call_id
            """);
}
