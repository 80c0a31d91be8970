using DouyinEtl.Runs;
using DouyinEtl.Sandbox;
using DouyinEtl.Tests.Streams.LiveRooms;

namespace DouyinEtl.Tests.Warehouse.Analyst;

/// <summary>
/// The live session summary against the sandbox's truth: a row per session the sandbox served, and per account and
/// Beijing start day the sessions, hours, peak, views, viewers, followers and earnings summed from the truth's sessions.
/// </summary>
public sealed class LiveSessionViewsTests
{
    private const int HistoryDays = 30;

    [Fact]
    public async Task LiveSessionAndAccountDaily_AfterALiveRoomsRun_EqualTheSandboxsSessions()
    {
        // creator-01 broadcasts round the clock (sessions cross midnight, one is live now); creator-02 now and then.
        await using var harness = await Harness.StartAsync(s => s.Accounts = 2);
        Assert.Equal(RunOutcome.Succeeded, (await harness.RunAsync("live-rooms", new Dictionary<string, string?> { ["LiveRooms:HistoryDays"] = $"{HistoryDays}" })).Outcome);
        var truth = LiveRoomsTruth.Expected(harness, LiveRoomsTruth.FirstDayRead(harness.Now, HistoryDays), ShanghaiTime.Day(harness.Now), PayloadVariant.RealWorld);
        Assert.Contains(truth, r => r.IsLive);

        var sessions = (await harness.QueryAsync<SessionRow>(
            "SELECT room_id, start_day, start_hour, hours_live, is_live, play_status_zh, new_followers, new_followers_per_hour FROM douyin.live_session ORDER BY room_id"))
            .ToDictionary(s => s.RoomId);
        Assert.Equal(truth.Select(r => r.RoomId), sessions.Keys);
        foreach (var room in truth)
        {
            var start = room.StartTime!.Value;
            var expected = new SessionRow(
                room.RoomId,
                Day(start),
                new DateTimeOffset(start, TimeSpan.Zero).ToOffset(ShanghaiTime.Offset).Hour,
                Hours(room.DurationSeconds),
                room.IsLive,
                room.PlayStatus switch { 1 => "未开播", 2 => "直播中", 3 => "暂停中", 4 => "已结束", _ => null },
                room.NewFollowers,
                room.NewFollowers is { } f && room.DurationSeconds is > 0 and { } d ? Math.Round(f * 3600m / d, 2, MidpointRounding.AwayFromZero) : null);
            Assert.Equal(expected, sessions[room.RoomId]);
        }

        var daily = await harness.QueryAsync<DailyRow>("""
            SELECT account_id, day, sessions, sessions_live, hours_live, peak_users, watch_count, direct_watch_users, new_followers, earn_score
            FROM douyin.live_account_daily ORDER BY account_id, day
            """);
        var expectedDaily = truth
            .GroupBy(r => (r.AccountId, Day: Day(r.StartTime!.Value)))
            .OrderBy(g => g.Key.AccountId, StringComparer.Ordinal).ThenBy(g => g.Key.Day)
            .Select(g => new DailyRow(
                g.Key.AccountId,
                g.Key.Day,
                g.Count(),
                g.Count(r => r.IsLive),
                Hours(Sum(g.Select(r => (long?)r.DurationSeconds))),
                g.Max(r => r.PeakUsers),
                Sum(g.Select(r => r.WatchCount)),
                Sum(g.Select(r => r.DirectWatchUsers)),
                Sum(g.Select(r => r.NewFollowers)),
                g.Any(r => r.EarnScore is not null) ? g.Sum(r => r.EarnScore ?? 0) : null))
            .ToList();
        Assert.True(expectedDaily.Count(d => d.AccountId == "creator-01") >= HistoryDays, "the round-the-clock account should broadcast every day");
        Assert.Equal(expectedDaily, daily);
    }

    private static DateOnly Day(DateTime utc) => ShanghaiTime.Day(new DateTimeOffset(utc, TimeSpan.Zero));

    private static decimal? Hours(long? seconds) => seconds is { } s ? Math.Round(s / 3600m, 2, MidpointRounding.AwayFromZero) : null;

    private static long? Sum(IEnumerable<long?> values) => values.Any(v => v is not null) ? values.Sum() : null;

    private sealed record SessionRow(string RoomId, DateOnly StartDay, int StartHour, decimal? HoursLive, bool IsLive, string? PlayStatusZh, long? NewFollowers, decimal? NewFollowersPerHour);

    private sealed record DailyRow(
        string AccountId,
        DateOnly Day,
        long Sessions,
        long SessionsLive,
        decimal? HoursLive,
        long? PeakUsers,
        long? WatchCount,
        long? DirectWatchUsers,
        long? NewFollowers,
        decimal? EarnScore);
}
