using DouyinEtl.Runs;
using DouyinEtl.Upstream;
using DouyinEtl.Warehouse;
using Npgsql;
using NpgsqlTypes;

namespace DouyinEtl.Streams.LiveRooms;

/// <summary>A session as read by one call, for <c>douyin.live_room</c> (latest state) and <c>douyin.live_room_daily</c>.</summary>
internal sealed record LiveRoomRow(string AccountId, LiveSession Session, DateTimeOffset CapturedAt, DateOnly CapturedDay, long SourceCallId)
{
    /// <summary>The rows one answer becomes, stamped with its call's id and time; built the same way live and in replay.</summary>
    public static List<LiveRoomRow> From(string accountId, LiveRoomPage page, UpstreamResponse response)
    {
        var day = Runs.ShanghaiTime.Day(response.RequestedAt);
        return [.. page.Rooms.Select(r => new LiveRoomRow(accountId, r, response.RequestedAt, day, response.CallId))];
    }
}

internal static class LiveRoomsSql
{
    private const string MetricColumns = """
        watch_count, direct_watch_users, peak_users, avg_watch_duration, like_count, comment_users, new_followers,
        consume_users, fan_consume_users, earn_score
        """;

    private const string SetMetrics = """
        watch_count = excluded.watch_count, direct_watch_users = excluded.direct_watch_users,
        peak_users = excluded.peak_users, avg_watch_duration = excluded.avg_watch_duration,
        like_count = excluded.like_count, comment_users = excluded.comment_users,
        new_followers = excluded.new_followers, consume_users = excluded.consume_users,
        fan_consume_users = excluded.fan_consume_users, earn_score = excluded.earn_score
        """;

    // The newest read wins; an older read (a re-run of an old window) never rolls a room back.
    public static readonly StagedUpsert<LiveRoomRow> Rooms = new(
        CreateStaging: "CREATE TEMP TABLE stage_live_room (LIKE douyin.live_room) ON COMMIT DROP",
        Copy: $"""
            COPY stage_live_room (room_id, account_id, title, cover_url, start_time, start_day, end_time, duration_seconds,
                                  duration_text, play_status, is_live, {MetricColumns}, served, first_seen_at, last_seen_at, source_call_id)
            FROM STDIN (FORMAT BINARY)
            """,
        WriteRow: (w, r) =>
        {
            var s = r.Session;
            w.Write(s.RoomId, NpgsqlDbType.Text);
            w.Write(r.AccountId, NpgsqlDbType.Text);
            w.WriteNullable(Text.Storable(s.Title), NpgsqlDbType.Text);
            w.WriteNullable(Text.Storable(s.CoverUrl), NpgsqlDbType.Text);
            w.WriteNullable(s.StartTime?.UtcDateTime, NpgsqlDbType.TimestampTz);
            w.WriteNullable(s.StartTime is { } start ? Runs.ShanghaiTime.Day(start) : (DateOnly?)null, NpgsqlDbType.Date);
            w.WriteNullable(s.EndTime?.UtcDateTime, NpgsqlDbType.TimestampTz);
            w.WriteNullable(s.DurationSeconds, NpgsqlDbType.Integer);
            w.WriteNullable(Text.Storable(s.DurationText), NpgsqlDbType.Text);
            w.WriteNullable(s.PlayStatus, NpgsqlDbType.Integer);
            w.Write(s.IsLive, NpgsqlDbType.Boolean);
            WriteMetrics(w, s);
            w.Write(Text.StorableJson(s.Json), NpgsqlDbType.Jsonb);
            w.Write(r.CapturedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
            w.Write(r.CapturedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
            w.Write(r.SourceCallId, NpgsqlDbType.Bigint);
        },
        Merge: $"""
            INSERT INTO douyin.live_room AS t (room_id, account_id, title, cover_url, start_time, start_day, end_time,
                   duration_seconds, duration_text, play_status, is_live, {MetricColumns}, served, first_seen_at, last_seen_at, source_call_id)
            SELECT DISTINCT ON (room_id)
                   room_id, account_id, title, cover_url, start_time, start_day, end_time, duration_seconds, duration_text,
                   play_status, is_live, {MetricColumns}, served, first_seen_at, last_seen_at, source_call_id
            FROM stage_live_room
            ORDER BY room_id, last_seen_at DESC
            ON CONFLICT (room_id) DO UPDATE SET
                account_id = excluded.account_id, title = excluded.title, cover_url = excluded.cover_url,
                start_time = excluded.start_time, start_day = excluded.start_day, end_time = excluded.end_time,
                duration_seconds = excluded.duration_seconds, duration_text = excluded.duration_text,
                play_status = excluded.play_status, is_live = excluded.is_live,
                {SetMetrics},
                served = excluded.served, last_seen_at = excluded.last_seen_at, source_call_id = excluded.source_call_id
            WHERE t.last_seen_at <= excluded.last_seen_at
            """);

    // Same room and day again (a re-read within the day) overwrites with the newer read.
    public static readonly StagedUpsert<LiveRoomRow> Daily = new(
        CreateStaging: "CREATE TEMP TABLE stage_live_room_daily (LIKE douyin.live_room_daily) ON COMMIT DROP",
        Copy: $"""
            COPY stage_live_room_daily (room_id, captured_day, account_id, captured_at, play_status, is_live, end_time,
                                        duration_seconds, {MetricColumns}, source_call_id)
            FROM STDIN (FORMAT BINARY)
            """,
        WriteRow: (w, r) =>
        {
            var s = r.Session;
            w.Write(s.RoomId, NpgsqlDbType.Text);
            w.Write(r.CapturedDay, NpgsqlDbType.Date);
            w.Write(r.AccountId, NpgsqlDbType.Text);
            w.Write(r.CapturedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
            w.WriteNullable(s.PlayStatus, NpgsqlDbType.Integer);
            w.Write(s.IsLive, NpgsqlDbType.Boolean);
            w.WriteNullable(s.EndTime?.UtcDateTime, NpgsqlDbType.TimestampTz);
            w.WriteNullable(s.DurationSeconds, NpgsqlDbType.Integer);
            WriteMetrics(w, s);
            w.Write(r.SourceCallId, NpgsqlDbType.Bigint);
        },
        Merge: $"""
            INSERT INTO douyin.live_room_daily AS t (room_id, captured_day, account_id, captured_at, play_status, is_live,
                   end_time, duration_seconds, {MetricColumns}, source_call_id)
            SELECT DISTINCT ON (room_id, captured_day)
                   room_id, captured_day, account_id, captured_at, play_status, is_live, end_time, duration_seconds,
                   {MetricColumns}, source_call_id
            FROM stage_live_room_daily
            ORDER BY room_id, captured_day, captured_at DESC
            ON CONFLICT (room_id, captured_day) DO UPDATE SET
                captured_at = excluded.captured_at, play_status = excluded.play_status, is_live = excluded.is_live,
                end_time = excluded.end_time, duration_seconds = excluded.duration_seconds,
                {SetMetrics},
                source_call_id = excluded.source_call_id
            WHERE t.captured_at <= excluded.captured_at
            """);

    /// <summary>Each room's latest state and the day's snapshot, in the caller's transaction; returns the rows inserted or changed.</summary>
    public static async Task<int> WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyCollection<LiveRoomRow> rows, CancellationToken cancellationToken) =>
        await Rooms.ExecuteAsync(connection, transaction, rows, cancellationToken) + await Daily.ExecuteAsync(connection, transaction, rows, cancellationToken);

    private static void WriteMetrics(NpgsqlBinaryImporter w, LiveSession s)
    {
        w.WriteNullable(s.WatchCount, NpgsqlDbType.Bigint);
        w.WriteNullable(s.DirectWatchUsers, NpgsqlDbType.Bigint);
        w.WriteNullable(s.PeakUsers, NpgsqlDbType.Bigint);
        w.WriteNullable(s.AvgWatchDuration, NpgsqlDbType.Numeric);
        w.WriteNullable(s.LikeCount, NpgsqlDbType.Bigint);
        w.WriteNullable(s.CommentUsers, NpgsqlDbType.Bigint);
        w.WriteNullable(s.NewFollowers, NpgsqlDbType.Bigint);
        w.WriteNullable(s.ConsumeUsers, NpgsqlDbType.Bigint);
        w.WriteNullable(s.FanConsumeUsers, NpgsqlDbType.Bigint);
        w.WriteNullable(s.EarnScore, NpgsqlDbType.Numeric);
    }
}
