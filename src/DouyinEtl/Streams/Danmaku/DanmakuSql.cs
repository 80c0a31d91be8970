using DouyinEtl.Streams.ItemAnalytics;
using DouyinEtl.Warehouse;
using NpgsqlTypes;

namespace DouyinEtl.Streams.Danmaku;

internal sealed record DanmakuPointRow(ItemSnapshot Snapshot, DanmakuPoint Point);

internal sealed record DanmakuWordRow(ItemSnapshot Snapshot, DanmakuWord Word);

internal sealed record DanmakuTotalRow(ItemSnapshot Snapshot, DanmakuTotal Total);

internal static class DanmakuSql
{
    public const string DistributionTable = "douyin.item_danmaku_distribution";
    public const string HotWordTable = "douyin.item_danmaku_hot_word";
    public const string TotalTable = "douyin.item_danmaku_total";

    public static readonly StagedUpsert<DanmakuPointRow> Distribution = new(
        CreateStaging: "CREATE TEMP TABLE stage_item_danmaku_distribution (LIKE douyin.item_danmaku_distribution) ON COMMIT DROP",
        Copy: """
            COPY stage_item_danmaku_distribution (item_id, snapshot_day, series, second, account_id, captured_at, value, share, source_call_id)
            FROM STDIN (FORMAT BINARY)
            """,
        WriteRow: (w, r) =>
        {
            var s = r.Snapshot;
            w.Write(s.ItemId, NpgsqlDbType.Text);
            w.Write(s.Day, NpgsqlDbType.Date);
            w.Write(r.Point.Series, NpgsqlDbType.Text);
            w.Write(r.Point.Second, NpgsqlDbType.Integer);
            w.Write(s.AccountId, NpgsqlDbType.Text);
            w.Write(s.CapturedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
            w.WriteNullable(r.Point.Value, NpgsqlDbType.Numeric);
            w.WriteNullable(r.Point.Share, NpgsqlDbType.Numeric);
            w.Write(s.CallId, NpgsqlDbType.Bigint);
        },
        Merge: """
            INSERT INTO douyin.item_danmaku_distribution AS t
            SELECT DISTINCT ON (item_id, snapshot_day, series, second) *
            FROM stage_item_danmaku_distribution
            ORDER BY item_id, snapshot_day, series, second
            ON CONFLICT (item_id, snapshot_day, series, second) DO UPDATE SET
                account_id     = excluded.account_id,
                captured_at    = excluded.captured_at,
                value          = excluded.value,
                share          = excluded.share,
                source_call_id = excluded.source_call_id
            """);

    public static readonly StagedUpsert<DanmakuWordRow> HotWords = new(
        CreateStaging: "CREATE TEMP TABLE stage_item_danmaku_hot_word (LIKE douyin.item_danmaku_hot_word) ON COMMIT DROP",
        Copy: """
            COPY stage_item_danmaku_hot_word (item_id, snapshot_day, word, account_id, captured_at, occurrences, sentiment, source_call_id)
            FROM STDIN (FORMAT BINARY)
            """,
        WriteRow: (w, r) =>
        {
            var s = r.Snapshot;
            w.Write(s.ItemId, NpgsqlDbType.Text);
            w.Write(s.Day, NpgsqlDbType.Date);
            w.Write(Text.Storable(r.Word.Word)!, NpgsqlDbType.Text);
            w.Write(s.AccountId, NpgsqlDbType.Text);
            w.Write(s.CapturedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
            w.WriteNullable(r.Word.Occurrences, NpgsqlDbType.Bigint);
            w.WriteNullable(Text.Storable(r.Word.Sentiment), NpgsqlDbType.Text);
            w.Write(s.CallId, NpgsqlDbType.Bigint);
        },
        Merge: """
            INSERT INTO douyin.item_danmaku_hot_word AS t
            SELECT DISTINCT ON (item_id, snapshot_day, word) *
            FROM stage_item_danmaku_hot_word
            ORDER BY item_id, snapshot_day, word
            ON CONFLICT (item_id, snapshot_day, word) DO UPDATE SET
                account_id     = excluded.account_id,
                captured_at    = excluded.captured_at,
                occurrences    = excluded.occurrences,
                sentiment      = excluded.sentiment,
                source_call_id = excluded.source_call_id
            """);

    public static readonly StagedUpsert<DanmakuTotalRow> Totals = new(
        CreateStaging: "CREATE TEMP TABLE stage_item_danmaku_total (LIKE douyin.item_danmaku_total) ON COMMIT DROP",
        Copy: """
            COPY stage_item_danmaku_total (item_id, snapshot_day, account_id, captured_at, total_count, peak_second, source_call_id)
            FROM STDIN (FORMAT BINARY)
            """,
        WriteRow: (w, r) =>
        {
            var s = r.Snapshot;
            w.Write(s.ItemId, NpgsqlDbType.Text);
            w.Write(s.Day, NpgsqlDbType.Date);
            w.Write(s.AccountId, NpgsqlDbType.Text);
            w.Write(s.CapturedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
            w.WriteNullable(r.Total.TotalCount, NpgsqlDbType.Bigint);
            w.WriteNullable(r.Total.PeakSecond, NpgsqlDbType.Integer);
            w.Write(s.CallId, NpgsqlDbType.Bigint);
        },
        Merge: """
            INSERT INTO douyin.item_danmaku_total AS t
            SELECT DISTINCT ON (item_id, snapshot_day) *
            FROM stage_item_danmaku_total
            ORDER BY item_id, snapshot_day
            ON CONFLICT (item_id, snapshot_day) DO UPDATE SET
                account_id     = excluded.account_id,
                captured_at    = excluded.captured_at,
                total_count    = excluded.total_count,
                peak_second    = excluded.peak_second,
                source_call_id = excluded.source_call_id
            """);
}
