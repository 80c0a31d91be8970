using System.Globalization;
using System.Text;

namespace DouyinEtl.Sandbox.World;

/// <summary>One live session (直播场次) of an account, with the constants its numbers are derived from.</summary>
public sealed record SandboxLiveRoom(
    string RoomId,
    string AccountId,
    string Title,
    string CoverUrl,
    DateTimeOffset StartTime,
    int DurationSeconds,
    int PauseSeconds,
    LiveRoomProfile Profile)
{
    public DateTimeOffset EndTime => StartTime.AddSeconds(DurationSeconds + PauseSeconds);

    public DateOnly StartDay => ShanghaiClock.Day(StartTime);
}

public sealed record LiveRoomProfile(
    long WatchCount,
    double DirectShare,
    long PeakUsers,
    double AvgWatchMinutes,
    double LikesPerWatch,
    double CommentRate,
    double FollowRate,
    double ConsumeRate,
    double FanConsumeShare,
    int ScorePerConsumer);

/// <summary>A room as the creator center shows it at one moment: numbers growing while it is live, final once it ended.</summary>
public sealed record LiveRoomState(
    SandboxLiveRoom Room,
    int PlayStatus,
    DateTimeOffset? EndTime,
    int DurationSeconds,
    long WatchCount,
    long DirectWatchUsers,
    long PeakUsers,
    double AvgWatchMinutes,
    long LikeCount,
    long CommentUsers,
    long NewFollowers,
    long ConsumeUsers,
    long FanConsumeUsers,
    long EarnScore)
{
    public bool IsLive => PlayStatus == LiveRoomWorld.LivePlayStatus;
}

/// <summary>
/// Live sessions, a deterministic function of (seed, account, day). The first account broadcasts round the clock in five
/// sessions a day, as 24-hour "unmanned" rooms do: one of its rooms is live at any moment, and 90 days of it hold more
/// than the 400 rooms one call returns. The others go live on some days, once or twice, for 10 seconds to 4 hours.
/// </summary>
public static class LiveRoomWorld
{
    public const int LivePlayStatus = 2;
    public const int EndedPlayStatus = 4;

    private const int RoundTheClockSessions = 5;

    private static readonly string[] Themes = ["好物分享", "深夜聊天", "户外直播", "才艺表演", "带货专场", "游戏陪玩", "读书会", "做饭直播", "健身跟练", "连麦PK"];

    /// <summary>Rooms that started on <paramref name="first"/>..<paramref name="last"/> (Beijing days) by <paramref name="now"/>, newest first.</summary>
    public static IEnumerable<LiveRoomState> History(SandboxWorld world, SandboxAccount account, DateOnly first, DateOnly last, DateTimeOffset now, bool includeLive)
    {
        for (var day = last; day >= first; day = day.AddDays(-1))
        {
            foreach (var room in RoomsOn(world, account, day).Where(r => r.StartTime <= now).OrderByDescending(r => r.StartTime))
            {
                var state = StateAt(room, now);
                if (includeLive || !state.IsLive)
                {
                    yield return state;
                }
            }
        }
    }

    public static IReadOnlyList<SandboxLiveRoom> RoomsOn(SandboxWorld world, SandboxAccount account, DateOnly day)
    {
        var options = world.Options;
        if (day < world.AnchorDay.AddDays(-options.HistoryDays) || day > world.AnchorDay.AddDays(options.ForwardDays))
        {
            return [];
        }

        var accountIndex = AccountRandom.IndexOf(world, account);
        var random = AccountRandom.For(world, accountIndex, salt: 1, day);
        var rooms = new List<SandboxLiveRoom>();
        var dayStart = ShanghaiClock.StartOfDay(day);
        if (accountIndex == 0)
        {
            var slot = TimeSpan.FromDays(1) / RoundTheClockSessions;
            for (var session = 0; session < RoundTheClockSessions; session++)
            {
                var start = dayStart + (slot * session) + TimeSpan.FromSeconds(random.Next(180));
                var end = dayStart + (slot * (session + 1)) - TimeSpan.FromSeconds(60 + random.Next(540));
                rooms.Add(NewRoom(account, accountIndex, day, session, start, (int)(end - start).TotalSeconds, 0, random));
            }

            return rooms;
        }

        var chance = (accountIndex % 3) switch
        {
            1 => 0.6,
            2 => 0.35,
            _ => 0.2,
        };
        if (random.NextDouble() < chance)
        {
            var start = dayStart.AddHours(10 + random.Next(5)).AddMinutes(random.Next(60)).AddSeconds(random.Next(60));
            rooms.Add(NewRoom(account, accountIndex, day, 0, start, Duration(random), Pause(random), random));
            if (random.NextDouble() < 0.25)
            {
                // An evening session that may run past midnight: it still belongs to the day it started.
                var evening = dayStart.AddHours(19 + random.Next(4)).AddMinutes(random.Next(60)).AddSeconds(random.Next(60));
                rooms.Add(NewRoom(account, accountIndex, day, 1, evening, Duration(random), Pause(random), random));
            }
        }

        return rooms;
    }

    public static LiveRoomState StateAt(SandboxLiveRoom room, DateTimeOffset now)
    {
        var p = room.Profile;
        var live = now < room.EndTime;
        var elapsed = Math.Max(0, (int)(now - room.StartTime).TotalSeconds);
        var progress = live ? (double)elapsed / (room.DurationSeconds + room.PauseSeconds) : 1;
        var watch = (long)Math.Floor(p.WatchCount * progress);
        var consumers = (long)Math.Floor(watch * p.ConsumeRate);
        return new LiveRoomState(
            room,
            live ? LivePlayStatus : EndedPlayStatus,
            live ? null : room.EndTime,
            live ? elapsed : room.DurationSeconds,
            watch,
            (long)Math.Floor(watch * p.DirectShare),
            (long)Math.Floor(p.PeakUsers * Math.Min(1, progress * 2)),
            Math.Round(p.AvgWatchMinutes * progress, 6),
            (long)Math.Floor(watch * p.LikesPerWatch),
            (long)Math.Floor(watch * p.CommentRate),
            (long)Math.Floor(watch * p.FollowRate),
            consumers,
            (long)Math.Floor(consumers * p.FanConsumeShare),
            consumers * p.ScorePerConsumer);
    }

    /// <summary>The creator center's duration text: "45秒", "1分钟5秒", "12分钟", "1小时", "2小时3分钟", "1小时5秒"… zero parts left out.</summary>
    public static string FormatDuration(int seconds)
    {
        if (seconds <= 0)
        {
            return "0秒";
        }

        var text = new StringBuilder();
        var (hours, minutes, rest) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
        if (hours > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{hours}小时");
        }

        if (minutes > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{minutes}分钟");
        }

        if (rest > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{rest}秒");
        }

        return text.ToString();
    }

    private static SandboxLiveRoom NewRoom(SandboxAccount account, int accountIndex, DateOnly day, int session, DateTimeOffset start, int durationSeconds, int pauseSeconds, Random random)
    {
        // 19 digits and unique by construction: day, account and session are part of the number.
        var id = (7_500_000_000_000_000_000L + (day.DayNumber * 1_000_000_000L) + (accountIndex * 1_000_000L) + (session * 1_000L) + random.Next(1_000))
            .ToString(CultureInfo.InvariantCulture);
        var watch = (long)Math.Clamp(Math.Exp(4 + (1.6 * Gaussian(random))), 1, 5_000_000);
        var minutes = durationSeconds / 60.0;
        return new SandboxLiveRoom(
            id,
            account.Id,
            $"{Themes[random.Next(Themes.Length)]} {day:MM月dd日}第{session + 1}场",
            $"https://p3-webcast-sign.douyinpic.com/webcast-cover/{id}~tplv-qz9.jpeg",
            start.ToUniversalTime(),
            durationSeconds,
            pauseSeconds,
            new LiveRoomProfile(
                WatchCount: watch,
                DirectShare: 0.3 + (random.NextDouble() * 0.6),
                PeakUsers: Math.Max(1, (long)(watch * (0.02 + (random.NextDouble() * 0.2)))),
                AvgWatchMinutes: Math.Max(0.05, minutes * (0.02 + (random.NextDouble() * 0.3))),
                LikesPerWatch: random.NextDouble() * 5,
                CommentRate: random.NextDouble() * 0.1,
                FollowRate: random.NextDouble() * 0.05,
                ConsumeRate: random.NextDouble() < 0.4 ? 0 : random.NextDouble() * 0.02,
                FanConsumeShare: random.NextDouble(),
                ScorePerConsumer: 1 + random.Next(50)));
    }

    /// <summary>Every shape the duration text takes: seconds only, minutes ± seconds, hours ± minutes ± seconds.</summary>
    private static int Duration(Random random) => random.Next(7) switch
    {
        0 => 10 + random.Next(50),
        1 => (60 * (1 + random.Next(59))) + 1 + random.Next(59),
        2 => 60 * (1 + random.Next(59)),
        3 => 3600 * (1 + random.Next(3)),
        4 => (3600 * (1 + random.Next(3))) + (60 * (1 + random.Next(59))),
        5 => (3600 * (1 + random.Next(3))) + (60 * (1 + random.Next(59))) + 1 + random.Next(59),
        _ => (3600 * (1 + random.Next(3))) + 1 + random.Next(59),
    };

    private static int Pause(Random random) => random.NextDouble() < 0.2 ? 30 + random.Next(600) : 0;

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());
}
