using System.Globalization;
using DouyinEtl.Runs;
using DouyinEtl.Sandbox;
using DouyinEtl.Sandbox.World;
using DouyinEtl.Sync;

namespace DouyinEtl.Testing;

internal sealed record RoomInWarehouse(
    string RoomId,
    string AccountId,
    string? Title,
    DateTime? StartTime,
    DateTime? EndTime,
    bool IsLive,
    int? PlayStatus,
    int? DurationSeconds,
    string? DurationText,
    long? WatchCount,
    long? DirectWatchUsers,
    long? PeakUsers,
    decimal? AvgWatchDuration,
    long? LikeCount,
    long? CommentUsers,
    long? NewFollowers,
    long? ConsumeUsers,
    long? FanConsumeUsers,
    decimal? EarnScore);

internal sealed record RoomIdDifferences(int Landed, IReadOnlyList<string> Missing, IReadOnlyList<string> Unknown);

/// <summary>Compares <c>douyin.live_room</c> with the rooms the sandbox served, field by field.</summary>
internal static class LiveRoomsTruth
{
    public const string RoomsSql = """
        SELECT room_id, account_id, title, start_time, end_time, is_live, play_status, duration_seconds, duration_text,
               watch_count, direct_watch_users, peak_users, avg_watch_duration, like_count, comment_users, new_followers,
               consume_users, fan_consume_users, earn_score
        FROM douyin.live_room ORDER BY room_id
        """;

    /// <summary>The first day the job reads back from <paramref name="historyDays"/> days before today: the start of its grid window.</summary>
    public static DateOnly FirstDayRead(DateTimeOffset now, int historyDays, int windowDays = 90)
    {
        var today = ShanghaiTime.Day(now);
        return DayWindow.Aligned(today.AddDays(-historyDays), today, windowDays).Last().First;
    }

    public static List<RoomInWarehouse> Expected(Harness harness, DateOnly first, DateOnly last, PayloadVariant variant, IReadOnlyCollection<string>? accounts = null) =>
        Expected(harness.Sandbox.World, harness.Now, first, last, variant, accounts);

    /// <summary>The rooms from <paramref name="first"/> to <paramref name="last"/> that had started at <paramref name="now"/>, as the warehouse holds them.</summary>
    public static List<RoomInWarehouse> Expected(SandboxWorld world, DateTimeOffset now, DateOnly first, DateOnly last, PayloadVariant variant, IReadOnlyCollection<string>? accounts = null)
    {
        long? Count(long value) => variant == PayloadVariant.RealWorld && value == 0 ? null : value;
        return [.. world.Accounts
            .Where(a => accounts is null || accounts.Contains(a.Id))
            .SelectMany(a => LiveRoomWorld.History(world, a, first, last, now, includeLive: true))
            .Select(r => new RoomInWarehouse(
                r.Room.RoomId,
                r.Room.AccountId,
                r.Room.Title,
                r.Room.StartTime.UtcDateTime,
                r.EndTime?.UtcDateTime,
                r.IsLive,
                r.PlayStatus,
                r.DurationSeconds,
                LiveRoomWorld.FormatDuration(r.DurationSeconds),
                Count(r.WatchCount),
                Count(r.DirectWatchUsers),
                Count(r.PeakUsers),
                decimal.Parse(r.AvgWatchMinutes.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture),
                Count(r.LikeCount),
                Count(r.CommentUsers),
                Count(r.NewFollowers),
                Count(r.ConsumeUsers),
                Count(r.FanConsumeUsers),
                Count(r.EarnScore)))
            .OrderBy(r => r.RoomId, StringComparer.Ordinal)];
    }

    private const string LastReadSql = """
        SELECT DISTINCT ON (account_id) account_id, requested_at FROM raw.api_call
        WHERE endpoint = 'fetch_live_room_history_list' AND http_status = 200
        ORDER BY account_id, (request->>'end_date')::date DESC, requested_at DESC
        """;

    /// <summary>
    /// The room ids of douyin.live_room against the sandbox, when the clock moved while the job ran (the demo): every room
    /// that had started when its account's newest window was last read has landed, and none the sandbox does not know now.
    /// </summary>
    public static async Task<RoomIdDifferences> CompareRoomIdsAsync(string connectionString, SandboxWorld world, DateTimeOffset now, int historyDays, int windowDays)
    {
        var first = FirstDayRead(now, historyDays, windowDays);
        var today = ShanghaiTime.Day(now);
        var lastRead = await WarehouseRows.QueryAsync<(string AccountId, DateTime RequestedAt)>(connectionString, LastReadSql);
        var landed = (await WarehouseRows.QueryAsync<string>(connectionString, "SELECT room_id FROM douyin.live_room")).ToHashSet(StringComparer.Ordinal);
        var required = lastRead.SelectMany(r => Expected(world, new DateTimeOffset(r.RequestedAt, TimeSpan.Zero), first, today, PayloadVariant.Documented, [r.AccountId]));
        var known = Expected(world, now, first, today, PayloadVariant.Documented).Select(r => r.RoomId).ToHashSet(StringComparer.Ordinal);
        return new RoomIdDifferences(
            landed.Count,
            [.. required.Select(r => r.RoomId).Where(id => !landed.Contains(id))],
            [.. landed.Where(id => !known.Contains(id))]);
    }

    public static async Task AssertRoomsEqualTruthAsync(Harness harness, DateOnly first, DateOnly last, PayloadVariant variant, IReadOnlyCollection<string>? accounts = null)
    {
        var expected = Expected(harness, first, last, variant, accounts);
        var landed = (await harness.QueryAsync<RoomInWarehouse>(RoomsSql)).Where(r => accounts is null || accounts.Contains(r.AccountId)).ToList();
        Assert.True(expected.Count > 0, "the sandbox served no room: the test would prove nothing");
        var missing = expected.Select(r => r.RoomId).Except(landed.Select(r => r.RoomId)).ToList();
        var unknown = landed.Select(r => r.RoomId).Except(expected.Select(r => r.RoomId)).ToList();
        Assert.True(missing.Count == 0 && unknown.Count == 0, $"{missing.Count} rooms missing (e.g. {string.Join(", ", missing.Take(3))}), {unknown.Count} unknown");
        var landedById = landed.ToDictionary(r => r.RoomId);
        foreach (var room in expected)
        {
            Assert.Equal(room, landedById[room.RoomId]);
        }
    }
}
