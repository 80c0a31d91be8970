using System.Globalization;
using System.Text.Json;
using DouyinEtl.Json;
using DouyinEtl.Runs;

namespace DouyinEtl.Streams.LiveRooms;

/// <summary>
/// One answer of <c>fetch_live_room_history_list</c>. The sessions sit in a <c>series</c> array under one or more
/// <c>data</c> levels (TikHub documents <c>data.data.series</c>; its example adds one more level), each level possibly
/// carrying the creator platform's own <c>code</c>. Every value is a string.
/// </summary>
internal sealed record LiveRoomPage(IReadOnlyList<LiveSession> Rooms, int Skipped, int? InnerCode, string? InnerMessage)
{
    /// <summary>playStatus of an ended session, the one value TikHub documents.</summary>
    public const int EndedPlayStatus = 4;

    private static readonly string[] TimeFormats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy/MM/dd HH:mm:ss", "yyyy/MM/dd HH:mm"];

    private static readonly IReadOnlySet<string> KnownFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "roomID", "roomTitle", "coverUri", "startTime", "endTime", "liveDurationWithoutPause", "playStatus", "watchCnt",
        "serverWatchUcntTdDirect", "pcu", "liveServerWatchDurationTdPavg", "serverLikeCntTd", "clientCommentUcntTd",
        "liveNewFollowUcnt", "liveConsumeUcnt", "liveFansConsumeUcntTd", "roomLiveEarnScore",
    };

    // Every session of the creator platform's answer carries all of them, "" or "-" when there is nothing yet.
    private static readonly string[] ExpectedFields = [.. KnownFields.Where(f => f != "roomID")];

    /// <summary>Every session in the answer: the served ones plus those skipped for want of a readable room id.</summary>
    public int Served => Rooms.Count + Skipped;

    /// <summary>The page; null when no <c>series</c> is found at all. A nested non-zero <c>code</c> comes back in <see cref="InnerCode"/>.</summary>
    public static LiveRoomPage? Parse(JsonElement data, PayloadProblems problems)
    {
        var level = data;
        for (var depth = 0; depth < 4 && level.ValueKind == JsonValueKind.Object; depth++)
        {
            if (JsonRead.Int32(level, "code", "status_code") is { } code and not 0)
            {
                return new LiveRoomPage([], 0, code, JsonRead.String(level, "msg", "message", "status_msg"));
            }

            if (level.TryGetProperty("series", out var series))
            {
                return series.ValueKind switch
                {
                    JsonValueKind.Array => Read(series, problems),
                    JsonValueKind.Null => new LiveRoomPage([], 0, null, null),
                    _ => null,
                };
            }

            level = JsonRead.Property(level, "data") ?? default;
        }

        return null;
    }

    private static LiveRoomPage Read(JsonElement series, PayloadProblems problems)
    {
        var rooms = new List<LiveSession>(series.GetArrayLength());
        var skipped = 0;
        foreach (var entry in series.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object)
            {
                problems.Add("an entry of series is not an object");
                skipped++;
                continue;
            }

            var roomId = problems.Id(entry, "roomID", "roomId", "room_id");
            if (roomId is null)
            {
                problems.Add("a live session has no readable roomID; it was skipped");
                skipped++;
                continue;
            }

            problems.ReportUnknown(entry, KnownFields, "fetch_live_room_history_list series");
            problems.ExpectEach(entry, "a live session", ExpectedFields);
            var durationText = problems.Text(entry, "liveDurationWithoutPause");
            int? duration = null;
            if (!JsonRead.IsPlaceholder(durationText))
            {
                if (LiveDuration.TryParseSeconds(durationText, out var seconds))
                {
                    duration = seconds;
                }
                else
                {
                    problems.Add($"'liveDurationWithoutPause' is not a duration: \"{durationText}\"");
                }
            }

            var endTime = Time(entry, "endTime", problems);
            var playStatus = problems.Int(entry, "playStatus");
            rooms.Add(new LiveSession(
                roomId,
                problems.Text(entry, "roomTitle"),
                problems.Text(entry, "coverUri"),
                Time(entry, "startTime", problems),
                endTime,
                duration,
                durationText,
                playStatus,
                IsLive: endTime is null && playStatus != EndedPlayStatus,
                problems.Count(entry, "watchCnt"),
                problems.Count(entry, "serverWatchUcntTdDirect"),
                problems.Count(entry, "pcu"),
                problems.Decimal(entry, "liveServerWatchDurationTdPavg"),
                problems.Count(entry, "serverLikeCntTd"),
                problems.Count(entry, "clientCommentUcntTd"),
                problems.Count(entry, "liveNewFollowUcnt"),
                problems.Count(entry, "liveConsumeUcnt"),
                problems.Count(entry, "liveFansConsumeUcntTd"),
                problems.Decimal(entry, "roomLiveEarnScore"),
                entry.GetRawText()));
        }

        return new LiveRoomPage(rooms, skipped, null, null);
    }

    /// <summary>Beijing wall-clock text ("2025-11-20 13:51:15") or unix seconds/milliseconds, to UTC; "" and "-" are no time.</summary>
    private static DateTimeOffset? Time(JsonElement entry, string name, PayloadProblems problems)
    {
        if (JsonRead.Property(entry, name) is not { } value || JsonRead.IsPlaceholder(value))
        {
            return null;
        }

        if (JsonRead.TryInteger(value, out var unix) && unix > 0)
        {
            return unix > 100_000_000_000 ? DateTimeOffset.FromUnixTimeMilliseconds(unix) : DateTimeOffset.FromUnixTimeSeconds(unix);
        }

        if (value.ValueKind == JsonValueKind.String
            && DateTime.TryParseExact(value.GetString()!.Trim(), TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return ShanghaiTime.FromLocal(local);
        }

        problems.Add($"'{name}' is not a time: {value.GetRawText()}");
        return null;
    }
}

/// <summary>A live session as served, typed; <see cref="Json"/> is the object exactly as served.</summary>
internal sealed record LiveSession(
    string RoomId,
    string? Title,
    string? CoverUrl,
    DateTimeOffset? StartTime,
    DateTimeOffset? EndTime,
    int? DurationSeconds,
    string? DurationText,
    int? PlayStatus,
    bool IsLive,
    long? WatchCount,
    long? DirectWatchUsers,
    long? PeakUsers,
    decimal? AvgWatchDuration,
    long? LikeCount,
    long? CommentUsers,
    long? NewFollowers,
    long? ConsumeUsers,
    long? FanConsumeUsers,
    decimal? EarnScore,
    string Json);
