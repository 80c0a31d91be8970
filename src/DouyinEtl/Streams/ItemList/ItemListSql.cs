using DouyinEtl.Runs;
using DouyinEtl.Warehouse;
using Npgsql;
using NpgsqlTypes;

namespace DouyinEtl.Streams.ItemList;

/// <summary>A work's latest attributes, as written to <c>douyin.item</c>.</summary>
internal sealed record ItemRow(
    string ItemId,
    string AccountId,
    string? Title,
    DateTimeOffset? PublishTime,
    DateOnly? PublishDay,
    int? CreatorType,
    int? DurationMs,
    int? ReviewStatus,
    bool? IsPublic,
    string? CoverUrl,
    DateTimeOffset SeenAt,
    long SourceCallId);

/// <summary>One item × captured hour in <c>douyin.item_metric_snapshot</c>.</summary>
internal sealed record SnapshotRow(
    string ItemId,
    DateTimeOffset CapturedHour,
    string AccountId,
    DateTimeOffset CapturedAt,
    ListedMetrics Metrics,
    long SourceCallId);

/// <summary>
/// The rows one page of the item list becomes. Built the same way by the live sync and by replay, from the page and
/// what is known of the call that brought it: account, call id and the time it was sent.
/// </summary>
internal sealed record ItemListRows(IReadOnlyList<ItemRow> Items, IReadOnlyList<SnapshotRow> Snapshots)
{
    public static ItemListRows From(ItemListPage page, string accountId, long callId, DateTimeOffset capturedAt)
    {
        var capturedHour = ShanghaiTime.FloorToHour(capturedAt);
        var items = page.Items.Select(i => new ItemRow(
            i.ItemId,
            accountId,
            i.Title,
            i.PublishTime,
            i.PublishTime is { } t ? ShanghaiTime.Day(t) : null,
            i.CreatorType,
            i.DurationMs,
            i.ReviewStatus,
            i.IsPublic,
            i.CoverUrl,
            capturedAt,
            callId)).ToList();
        var snapshots = page.Items
            .Where(i => i.Metrics is not null)
            .Select(i => new SnapshotRow(i.ItemId, capturedHour, accountId, capturedAt, i.Metrics!, callId))
            .ToList();
        return new ItemListRows(items, snapshots);
    }

    /// <summary>Upserts items, then their snapshots, in the caller's transaction; returns the rows inserted or changed.</summary>
    public async Task<int> WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        await ItemListSql.Items.ExecuteAsync(connection, transaction, Items, cancellationToken)
        + await ItemListSql.Snapshots.ExecuteAsync(connection, transaction, Snapshots, cancellationToken);
}

internal static class ItemListSql
{
    // Attributes that a later listing may legitimately change; first_seen_at never changes once set. Only a newer call
    // (higher call id) overwrites: replaying an older period must not roll an item back to what it looked like then.
    public static readonly StagedUpsert<ItemRow> Items = new(
        CreateStaging: "CREATE TEMP TABLE stage_item (LIKE douyin.item) ON COMMIT DROP",
        Copy: """
            COPY stage_item (item_id, account_id, title, publish_time, publish_day, creator_type, duration_ms,
                             review_status, is_public, cover_url, first_seen_at, last_seen_at, source_call_id)
            FROM STDIN (FORMAT BINARY)
            """,
        WriteRow: (w, r) =>
        {
            w.Write(r.ItemId, NpgsqlDbType.Text);
            w.Write(r.AccountId, NpgsqlDbType.Text);
            w.WriteNullable(Text.Storable(r.Title), NpgsqlDbType.Text);
            w.WriteNullable(r.PublishTime?.UtcDateTime, NpgsqlDbType.TimestampTz);
            w.WriteNullable(r.PublishDay, NpgsqlDbType.Date);
            w.WriteNullable(r.CreatorType, NpgsqlDbType.Integer);
            w.WriteNullable(r.DurationMs, NpgsqlDbType.Integer);
            w.WriteNullable(r.ReviewStatus, NpgsqlDbType.Integer);
            w.WriteNullable(r.IsPublic, NpgsqlDbType.Boolean);
            w.WriteNullable(r.CoverUrl, NpgsqlDbType.Text);
            w.Write(r.SeenAt.UtcDateTime, NpgsqlDbType.TimestampTz);
            w.Write(r.SeenAt.UtcDateTime, NpgsqlDbType.TimestampTz);
            w.Write(r.SourceCallId, NpgsqlDbType.Bigint);
        },
        Merge: """
            INSERT INTO douyin.item AS t (item_id, account_id, title, publish_time, publish_day, creator_type, duration_ms,
                                          review_status, is_public, cover_url, first_seen_at, last_seen_at, source_call_id)
            SELECT DISTINCT ON (item_id)
                   item_id, account_id, title, publish_time, publish_day, creator_type, duration_ms,
                   review_status, is_public, cover_url, first_seen_at, last_seen_at, source_call_id
            FROM stage_item
            ORDER BY item_id, source_call_id DESC
            ON CONFLICT (item_id) DO UPDATE SET
                account_id     = excluded.account_id,
                title          = COALESCE(excluded.title, t.title),
                publish_time   = COALESCE(excluded.publish_time, t.publish_time),
                publish_day    = COALESCE(excluded.publish_day, t.publish_day),
                creator_type   = COALESCE(excluded.creator_type, t.creator_type),
                duration_ms    = COALESCE(excluded.duration_ms, t.duration_ms),
                review_status  = COALESCE(excluded.review_status, t.review_status),
                is_public      = COALESCE(excluded.is_public, t.is_public),
                cover_url      = COALESCE(excluded.cover_url, t.cover_url),
                last_seen_at   = GREATEST(t.last_seen_at, excluded.last_seen_at),
                source_call_id = excluded.source_call_id
            WHERE t.source_call_id IS NULL OR t.source_call_id <= excluded.source_call_id
            """);

    // Same item × hour again (a re-run within the hour) overwrites with the newer call's values.
    public static readonly StagedUpsert<SnapshotRow> Snapshots = new(
        CreateStaging: "CREATE TEMP TABLE stage_item_metric_snapshot (LIKE douyin.item_metric_snapshot) ON COMMIT DROP",
        Copy: """
            COPY stage_item_metric_snapshot (item_id, captured_hour, account_id, captured_at, view_count, like_count,
                 comment_count, share_count, favorite_count, subscribe_count, completion_rate, completion_rate_5s,
                 bounce_rate_2s, cover_click_rate, avg_view_second, metrics, source_call_id)
            FROM STDIN (FORMAT BINARY)
            """,
        WriteRow: (w, r) =>
        {
            var m = r.Metrics;
            w.Write(r.ItemId, NpgsqlDbType.Text);
            w.Write(r.CapturedHour.UtcDateTime, NpgsqlDbType.TimestampTz);
            w.Write(r.AccountId, NpgsqlDbType.Text);
            w.Write(r.CapturedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
            w.WriteNullable(m.ViewCount, NpgsqlDbType.Bigint);
            w.WriteNullable(m.LikeCount, NpgsqlDbType.Bigint);
            w.WriteNullable(m.CommentCount, NpgsqlDbType.Bigint);
            w.WriteNullable(m.ShareCount, NpgsqlDbType.Bigint);
            w.WriteNullable(m.FavoriteCount, NpgsqlDbType.Bigint);
            w.WriteNullable(m.SubscribeCount, NpgsqlDbType.Bigint);
            w.WriteNullable(m.CompletionRate, NpgsqlDbType.Numeric);
            w.WriteNullable(m.CompletionRate5s, NpgsqlDbType.Numeric);
            w.WriteNullable(m.BounceRate2s, NpgsqlDbType.Numeric);
            w.WriteNullable(m.CoverClickRate, NpgsqlDbType.Numeric);
            w.WriteNullable(m.AvgViewSecond, NpgsqlDbType.Numeric);
            w.Write(Text.StorableJson(m.Json), NpgsqlDbType.Jsonb);
            w.Write(r.SourceCallId, NpgsqlDbType.Bigint);
        },
        Merge: """
            INSERT INTO douyin.item_metric_snapshot AS t (item_id, captured_hour, account_id, captured_at, view_count,
                   like_count, comment_count, share_count, favorite_count, subscribe_count, completion_rate,
                   completion_rate_5s, bounce_rate_2s, cover_click_rate, avg_view_second, metrics, source_call_id)
            SELECT DISTINCT ON (item_id, captured_hour)
                   item_id, captured_hour, account_id, captured_at, view_count, like_count, comment_count, share_count,
                   favorite_count, subscribe_count, completion_rate, completion_rate_5s, bounce_rate_2s, cover_click_rate,
                   avg_view_second, metrics, source_call_id
            FROM stage_item_metric_snapshot
            ORDER BY item_id, captured_hour, captured_at DESC
            ON CONFLICT (item_id, captured_hour) DO UPDATE SET
                captured_at        = excluded.captured_at,
                view_count         = excluded.view_count,
                like_count         = excluded.like_count,
                comment_count      = excluded.comment_count,
                share_count        = excluded.share_count,
                favorite_count     = excluded.favorite_count,
                subscribe_count    = excluded.subscribe_count,
                completion_rate    = excluded.completion_rate,
                completion_rate_5s = excluded.completion_rate_5s,
                bounce_rate_2s     = excluded.bounce_rate_2s,
                cover_click_rate   = excluded.cover_click_rate,
                avg_view_second    = excluded.avg_view_second,
                metrics            = excluded.metrics,
                source_call_id     = excluded.source_call_id
            WHERE t.captured_at <= excluded.captured_at
            """);
}
