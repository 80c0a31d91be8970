using System.Text.Encodings.Web;
using System.Text.Json;
using Dapper;
using DouyinEtl.Streams.ItemList;
using DouyinEtl.Warehouse;
using Npgsql;
using NpgsqlTypes;

namespace DouyinEtl.Streams.ItemExport;

/// <summary>One export row as written to <c>douyin.item_export_row</c>.</summary>
internal sealed record ExportRowRecord(
    string AccountId,
    DateOnly SnapshotDay,
    ExportRow Row,
    ExportMatch Match,
    PublishWindow Window,
    DateTimeOffset CapturedAt,
    long SourceCallId)
{
    /// <summary>The work's id once matched, so a work has one row a day whichever window brought it; otherwise the row's place in its file.</summary>
    public string RowKey => Match.ItemId ?? $"call:{SourceCallId}:row:{Row.SheetRow}";
}

internal static class ItemExportSql
{
    private static readonly JsonSerializerOptions CellJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // The window's rows of that day are replaced as a whole: a refetch (a split, a forced re-run) never leaves the
    // rows of an earlier answer behind, even if a row matched differently then.
    public const string DeleteWindowOfDay = """
        DELETE FROM douyin.item_export_row
        WHERE account_id = @AccountId AND snapshot_day = @SnapshotDay AND window_start < @End AND window_end > @Start
        """;

    public const string KnownItems = """
        SELECT item_id, title, publish_time
        FROM douyin.item
        WHERE account_id = @AccountId AND publish_time >= @From AND publish_time < @To
        """;

    // Works item-list has not listed but a recent export has shown count too, so a window is not planned over-full twice.
    // Of every planned account in one query: a query per account was 1,000 round trips for `status` on 1,000 accounts.
    public const string KnownPublishTimes = """
        SELECT account_id, publish_time FROM douyin.item
        WHERE account_id = ANY(@AccountIds) AND publish_time >= @From AND publish_time < @To
        UNION ALL
        SELECT DISTINCT account_id, publish_time FROM douyin.item_export_row
        WHERE account_id = ANY(@AccountIds) AND match_status = 'unmatched' AND snapshot_day >= @Since
          AND publish_time >= @From AND publish_time < @To
        ORDER BY 1, 2
        """;

    public static readonly StagedUpsert<ExportRowRecord> Rows = new(
        CreateStaging: "CREATE TEMP TABLE stage_item_export_row (LIKE douyin.item_export_row) ON COMMIT DROP",
        Copy: """
            COPY stage_item_export_row (account_id, snapshot_day, row_key, item_id, match_status, match_detail,
                 candidate_item_ids, title, publish_time, publish_time_precision, genre, review_status, view_count,
                 completion_rate, completion_rate_5s, cover_click_rate, bounce_rate_2s, avg_view_second, like_count,
                 share_count, comment_count, favorite_count, homepage_visit_count, subscribe_count, cell_text,
                 extra_columns, window_start, window_end, sheet_row, captured_at, source_call_id)
            FROM STDIN (FORMAT BINARY)
            """,
        WriteRow: (w, r) =>
        {
            var row = r.Row;
            w.Write(r.AccountId, NpgsqlDbType.Text);
            w.Write(r.SnapshotDay, NpgsqlDbType.Date);
            w.Write(r.RowKey, NpgsqlDbType.Text);
            w.WriteNullable(r.Match.ItemId, NpgsqlDbType.Text);
            w.Write(r.Match.Status.ToString().ToLowerInvariant(), NpgsqlDbType.Text);
            w.Write(r.Match.Detail, NpgsqlDbType.Text);
            if (r.Match.Status == MatchStatus.Ambiguous)
            {
                w.Write(r.Match.Candidates.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
            }
            else
            {
                w.WriteNull();
            }

            w.WriteNullable(Text.Storable(row.Title), NpgsqlDbType.Text);
            w.WriteNullable(row.PublishTime?.UtcDateTime, NpgsqlDbType.TimestampTz);
            w.WriteNullable(row.PublishTime is null ? null : row.PublishTimePrecision.ToString().ToLowerInvariant(), NpgsqlDbType.Text);
            w.WriteNullable(Text.Storable(row.Genre), NpgsqlDbType.Text);
            w.WriteNullable(Text.Storable(row.ReviewStatus), NpgsqlDbType.Text);
            w.WriteNullable(row.ViewCount, NpgsqlDbType.Bigint);
            w.WriteNullable(row.CompletionRate, NpgsqlDbType.Numeric);
            w.WriteNullable(row.CompletionRate5s, NpgsqlDbType.Numeric);
            w.WriteNullable(row.CoverClickRate, NpgsqlDbType.Numeric);
            w.WriteNullable(row.BounceRate2s, NpgsqlDbType.Numeric);
            w.WriteNullable(row.AvgViewSecond, NpgsqlDbType.Numeric);
            w.WriteNullable(row.LikeCount, NpgsqlDbType.Bigint);
            w.WriteNullable(row.ShareCount, NpgsqlDbType.Bigint);
            w.WriteNullable(row.CommentCount, NpgsqlDbType.Bigint);
            w.WriteNullable(row.FavoriteCount, NpgsqlDbType.Bigint);
            w.WriteNullable(row.HomepageVisitCount, NpgsqlDbType.Bigint);
            w.WriteNullable(row.SubscribeCount, NpgsqlDbType.Bigint);
            w.Write(Text.StorableJson(JsonSerializer.Serialize(row.CellText, CellJson)), NpgsqlDbType.Jsonb);
            w.Write(Text.StorableJson(JsonSerializer.Serialize(row.ExtraColumns, CellJson)), NpgsqlDbType.Jsonb);
            w.Write(r.Window.Start.UtcDateTime, NpgsqlDbType.TimestampTz);
            w.Write(r.Window.End.UtcDateTime, NpgsqlDbType.TimestampTz);
            w.Write(row.SheetRow, NpgsqlDbType.Integer);
            w.Write(r.CapturedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
            w.Write(r.SourceCallId, NpgsqlDbType.Bigint);
        },
        Merge: """
            INSERT INTO douyin.item_export_row AS t (account_id, snapshot_day, row_key, item_id, match_status, match_detail,
                   candidate_item_ids, title, publish_time, publish_time_precision, genre, review_status, view_count,
                   completion_rate, completion_rate_5s, cover_click_rate, bounce_rate_2s, avg_view_second, like_count,
                   share_count, comment_count, favorite_count, homepage_visit_count, subscribe_count, cell_text,
                   extra_columns, window_start, window_end, sheet_row, captured_at, source_call_id)
            SELECT DISTINCT ON (account_id, snapshot_day, row_key)
                   account_id, snapshot_day, row_key, item_id, match_status, match_detail, candidate_item_ids, title,
                   publish_time, publish_time_precision, genre, review_status, view_count, completion_rate,
                   completion_rate_5s, cover_click_rate, bounce_rate_2s, avg_view_second, like_count, share_count,
                   comment_count, favorite_count, homepage_visit_count, subscribe_count, cell_text, extra_columns,
                   window_start, window_end, sheet_row, captured_at, source_call_id
            FROM stage_item_export_row
            ORDER BY account_id, snapshot_day, row_key, sheet_row
            ON CONFLICT (account_id, snapshot_day, row_key) DO UPDATE SET
                item_id                = excluded.item_id,
                match_status           = excluded.match_status,
                match_detail           = excluded.match_detail,
                candidate_item_ids     = excluded.candidate_item_ids,
                title                  = excluded.title,
                publish_time           = excluded.publish_time,
                publish_time_precision = excluded.publish_time_precision,
                genre                  = excluded.genre,
                review_status          = excluded.review_status,
                view_count             = excluded.view_count,
                completion_rate        = excluded.completion_rate,
                completion_rate_5s     = excluded.completion_rate_5s,
                cover_click_rate       = excluded.cover_click_rate,
                bounce_rate_2s         = excluded.bounce_rate_2s,
                avg_view_second        = excluded.avg_view_second,
                like_count             = excluded.like_count,
                share_count            = excluded.share_count,
                comment_count          = excluded.comment_count,
                favorite_count         = excluded.favorite_count,
                homepage_visit_count   = excluded.homepage_visit_count,
                subscribe_count        = excluded.subscribe_count,
                cell_text              = excluded.cell_text,
                extra_columns          = excluded.extra_columns,
                window_start           = excluded.window_start,
                window_end             = excluded.window_end,
                sheet_row              = excluded.sheet_row,
                captured_at            = excluded.captured_at,
                source_call_id         = excluded.source_call_id
            """);

    /// <summary>The window's rows of the day replaced by <paramref name="records"/>, in the caller's transaction (live and replay).</summary>
    public static async Task<int> ReplaceWindowOfDayAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string accountId,
        PublishWindow window,
        DateOnly snapshotDay,
        IReadOnlyCollection<ExportRowRecord> records,
        CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            DeleteWindowOfDay,
            new { AccountId = accountId, SnapshotDay = snapshotDay, Start = window.Start.UtcDateTime, End = window.End.UtcDateTime },
            transaction,
            cancellationToken: cancellationToken));
        return await Rows.ExecuteAsync(connection, transaction, records, cancellationToken);
    }

    public static async Task<List<KnownItem>> LoadKnownItemsAsync(NpgsqlDataSource dataSource, string accountId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string ItemId, string? Title, DateTime PublishTime)>(new CommandDefinition(
            KnownItems, new { AccountId = accountId, From = from.UtcDateTime, To = to.UtcDateTime }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new KnownItem(r.ItemId, r.Title, new DateTimeOffset(r.PublishTime, TimeSpan.Zero)))];
    }

    /// <summary>Per account, the publish times of its known works in [from, to), sorted (an account without any has an empty list).</summary>
    public static async Task<Dictionary<string, List<DateTimeOffset>>> LoadKnownPublishTimesAsync(
        NpgsqlDataSource dataSource, IReadOnlyCollection<string> accountIds, DateTimeOffset from, DateTimeOffset to, DateOnly since, CancellationToken cancellationToken)
    {
        var known = accountIds.Distinct(StringComparer.Ordinal).ToDictionary(id => id, _ => new List<DateTimeOffset>(), StringComparer.Ordinal);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string AccountId, DateTime PublishTime)>(new CommandDefinition(
            KnownPublishTimes, new { AccountIds = known.Keys.ToArray(), From = from.UtcDateTime, To = to.UtcDateTime, Since = since }, cancellationToken: cancellationToken));
        foreach (var (accountId, publishTime) in rows)
        {
            known[accountId].Add(new DateTimeOffset(publishTime, TimeSpan.Zero));
        }

        return known;
    }
}
