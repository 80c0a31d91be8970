using Dapper;
using DouyinEtl.Warehouse;
using Npgsql;
using NpgsqlTypes;

namespace DouyinEtl.Streams.ContentAnalysis;

/// <summary>Where a row of the content analysis belongs: account × window, as asked through <see cref="ThroughDay"/>, by one call.</summary>
internal sealed record AnalysisScope(string AccountId, DateOnly WindowFirst, DateOnly WindowLast, DateOnly ThroughDay, DateTimeOffset CapturedAt, long SourceCallId);

internal sealed record VerticalRow(AnalysisScope Scope, string Vertical, int Position);

internal sealed record OverviewRow(AnalysisScope Scope, IReadOnlyList<int> Genres, IReadOnlyList<string> Verticals, AnalysisOverview Overview);

internal sealed record BarRow(AnalysisScope Scope, AnalysisBar Bar);

internal sealed record PerformanceRow(AnalysisScope Scope, int MetricType, PerformanceEntry Entry);

/// <summary>
/// Each read replaces what the window had: the verticals, the overview with its bars, one metric's ranking. Rows that
/// dropped out of the new answer are deleted in the same transaction, so a window never mixes two reads.
/// </summary>
internal static class ContentAnalysisSql
{
    private const string ScopeColumns = "account_id, window_first, window_last";

    public static readonly StagedUpsert<VerticalRow> Verticals = new(
        CreateStaging: "CREATE TEMP TABLE stage_item_analysis_vertical (LIKE douyin.item_analysis_vertical) ON COMMIT DROP",
        Copy: $"COPY stage_item_analysis_vertical ({ScopeColumns}, vertical, position, through_day, captured_at, source_call_id) FROM STDIN (FORMAT BINARY)",
        WriteRow: (w, r) =>
        {
            WriteScope(w, r.Scope);
            w.Write(Text.Storable(r.Vertical)!, NpgsqlDbType.Text);
            w.Write(r.Position, NpgsqlDbType.Integer);
            WriteCapture(w, r.Scope);
        },
        Merge: $"""
            INSERT INTO douyin.item_analysis_vertical ({ScopeColumns}, vertical, position, through_day, captured_at, source_call_id)
            SELECT DISTINCT ON ({ScopeColumns}, vertical) {ScopeColumns}, vertical, position, through_day, captured_at, source_call_id
            FROM stage_item_analysis_vertical
            ORDER BY {ScopeColumns}, vertical, position
            ON CONFLICT ({ScopeColumns}, vertical) DO UPDATE SET
                position = excluded.position, through_day = excluded.through_day,
                captured_at = excluded.captured_at, source_call_id = excluded.source_call_id
            """);

    public static readonly StagedUpsert<OverviewRow> Overviews = new(
        CreateStaging: "CREATE TEMP TABLE stage_item_analysis_overview (LIKE douyin.item_analysis_overview) ON COMMIT DROP",
        Copy: $"""
            COPY stage_item_analysis_overview ({ScopeColumns}, genres, verticals, publish_count, play_count, like_count,
                 comment_count, share_count, avg_play_duration, completion_rate_5s, bounce_rate_2s, served, through_day,
                 captured_at, source_call_id)
            FROM STDIN (FORMAT BINARY)
            """,
        WriteRow: (w, r) =>
        {
            var o = r.Overview;
            WriteScope(w, r.Scope);
            w.Write(r.Genres.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Integer);
            w.Write(r.Verticals.Select(v => Text.Storable(v)!).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
            WriteCounts(w, o.Totals);
            w.WriteNullable(o.AvgPlayDuration, NpgsqlDbType.Numeric);
            w.WriteNullable(o.CompletionRate5s, NpgsqlDbType.Numeric);
            w.WriteNullable(o.BounceRate2s, NpgsqlDbType.Numeric);
            w.Write(Text.StorableJson(o.Json), NpgsqlDbType.Jsonb);
            WriteCapture(w, r.Scope);
        },
        Merge: $"""
            INSERT INTO douyin.item_analysis_overview ({ScopeColumns}, genres, verticals, publish_count, play_count, like_count,
                   comment_count, share_count, avg_play_duration, completion_rate_5s, bounce_rate_2s, served, through_day,
                   captured_at, source_call_id)
            SELECT {ScopeColumns}, genres, verticals, publish_count, play_count, like_count, comment_count, share_count,
                   avg_play_duration, completion_rate_5s, bounce_rate_2s, served, through_day, captured_at, source_call_id
            FROM stage_item_analysis_overview
            ON CONFLICT ({ScopeColumns}) DO UPDATE SET
                genres = excluded.genres, verticals = excluded.verticals, publish_count = excluded.publish_count,
                play_count = excluded.play_count, like_count = excluded.like_count, comment_count = excluded.comment_count,
                share_count = excluded.share_count, avg_play_duration = excluded.avg_play_duration,
                completion_rate_5s = excluded.completion_rate_5s, bounce_rate_2s = excluded.bounce_rate_2s,
                served = excluded.served, through_day = excluded.through_day, captured_at = excluded.captured_at,
                source_call_id = excluded.source_call_id
            """);

    public static readonly StagedUpsert<BarRow> Bars = new(
        CreateStaging: "CREATE TEMP TABLE stage_item_analysis_breakdown (LIKE douyin.item_analysis_breakdown) ON COMMIT DROP",
        Copy: $"""
            COPY stage_item_analysis_breakdown ({ScopeColumns}, dimension, key, publish_count, play_count, like_count,
                 comment_count, share_count, through_day, captured_at, source_call_id)
            FROM STDIN (FORMAT BINARY)
            """,
        WriteRow: (w, r) =>
        {
            WriteScope(w, r.Scope);
            w.Write(r.Bar.Dimension, NpgsqlDbType.Text);
            w.Write(Text.Storable(r.Bar.Key)!, NpgsqlDbType.Text);
            WriteCounts(w, r.Bar.Counts);
            WriteCapture(w, r.Scope);
        },
        Merge: $"""
            INSERT INTO douyin.item_analysis_breakdown ({ScopeColumns}, dimension, key, publish_count, play_count, like_count,
                   comment_count, share_count, through_day, captured_at, source_call_id)
            SELECT DISTINCT ON ({ScopeColumns}, dimension, key)
                   {ScopeColumns}, dimension, key, publish_count, play_count, like_count, comment_count, share_count,
                   through_day, captured_at, source_call_id
            FROM stage_item_analysis_breakdown
            ORDER BY {ScopeColumns}, dimension, key
            ON CONFLICT ({ScopeColumns}, dimension, key) DO NOTHING
            """);

    public static readonly StagedUpsert<PerformanceRow> Performance = new(
        CreateStaging: "CREATE TEMP TABLE stage_item_analysis_performance (LIKE douyin.item_analysis_performance) ON COMMIT DROP",
        Copy: $"""
            COPY stage_item_analysis_performance ({ScopeColumns}, metric_type, item_id, rank, metric_value, play_count,
                 avg_play_duration, completion_rate_5s, bounce_rate_2s, cover_url, served, through_day, captured_at, source_call_id)
            FROM STDIN (FORMAT BINARY)
            """,
        WriteRow: (w, r) =>
        {
            var e = r.Entry;
            WriteScope(w, r.Scope);
            w.Write(r.MetricType, NpgsqlDbType.Integer);
            w.Write(e.ItemId, NpgsqlDbType.Text);
            w.Write(e.Rank, NpgsqlDbType.Integer);
            w.WriteNullable(e.MetricValue, NpgsqlDbType.Numeric);
            w.WriteNullable(e.PlayCount, NpgsqlDbType.Bigint);
            w.WriteNullable(e.AvgPlayDuration, NpgsqlDbType.Numeric);
            w.WriteNullable(e.CompletionRate5s, NpgsqlDbType.Numeric);
            w.WriteNullable(e.BounceRate2s, NpgsqlDbType.Numeric);
            w.WriteNullable(Text.Storable(e.CoverUrl), NpgsqlDbType.Text);
            w.Write(Text.StorableJson(e.Json), NpgsqlDbType.Jsonb);
            WriteCapture(w, r.Scope);
        },
        Merge: $"""
            INSERT INTO douyin.item_analysis_performance ({ScopeColumns}, metric_type, item_id, rank, metric_value, play_count,
                   avg_play_duration, completion_rate_5s, bounce_rate_2s, cover_url, served, through_day, captured_at, source_call_id)
            SELECT DISTINCT ON ({ScopeColumns}, metric_type, item_id)
                   {ScopeColumns}, metric_type, item_id, rank, metric_value, play_count, avg_play_duration,
                   completion_rate_5s, bounce_rate_2s, cover_url, served, through_day, captured_at, source_call_id
            FROM stage_item_analysis_performance
            ORDER BY {ScopeColumns}, metric_type, item_id, rank
            ON CONFLICT ({ScopeColumns}, metric_type, item_id) DO NOTHING
            """);

    /// <summary>Empties what one read replaces: <paramref name="table"/>'s rows of the window (of one metric type, if given).</summary>
    public static Task<int> ClearAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string table, AnalysisScope scope, int? metricType, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            $"DELETE FROM douyin.{table} WHERE account_id = @AccountId AND window_first = @WindowFirst AND window_last = @WindowLast" +
            (metricType is null ? "" : " AND metric_type = @MetricType"),
            new { scope.AccountId, scope.WindowFirst, scope.WindowLast, MetricType = metricType },
            transaction,
            cancellationToken: cancellationToken));

    private static void WriteScope(NpgsqlBinaryImporter w, AnalysisScope scope)
    {
        w.Write(scope.AccountId, NpgsqlDbType.Text);
        w.Write(scope.WindowFirst, NpgsqlDbType.Date);
        w.Write(scope.WindowLast, NpgsqlDbType.Date);
    }

    private static void WriteCapture(NpgsqlBinaryImporter w, AnalysisScope scope)
    {
        w.Write(scope.ThroughDay, NpgsqlDbType.Date);
        w.Write(scope.CapturedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
        w.Write(scope.SourceCallId, NpgsqlDbType.Bigint);
    }

    private static void WriteCounts(NpgsqlBinaryImporter w, AnalysisCounts counts)
    {
        w.WriteNullable(counts.PublishCount, NpgsqlDbType.Bigint);
        w.WriteNullable(counts.PlayCount, NpgsqlDbType.Bigint);
        w.WriteNullable(counts.LikeCount, NpgsqlDbType.Bigint);
        w.WriteNullable(counts.CommentCount, NpgsqlDbType.Bigint);
        w.WriteNullable(counts.ShareCount, NpgsqlDbType.Bigint);
    }
}
