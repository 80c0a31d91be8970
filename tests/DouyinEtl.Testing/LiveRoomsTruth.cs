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

    public static List<RoomInWarehouse> Expected(Harness harness, DateOnly first, DateOnly last, PayloadVariant variant, IReadOnlyCollection<string>? accounts = null)
    {
        long? Count(long value) => variant == PayloadVariant.RealWorld && value == 0 ? null : value;
        return [.. harness.Sandbox.World.Accounts
            .Where(a => accounts is null || accounts.Contains(a.Id))
            .SelectMany(a => LiveRoomWorld.History(harness.Sandbox.World, a, first, last, harness.Now, includeLive: true))
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
