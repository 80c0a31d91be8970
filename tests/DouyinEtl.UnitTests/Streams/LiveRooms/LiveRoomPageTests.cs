using System.Text.Json;
using DouyinEtl.Json;
using DouyinEtl.Streams.LiveRooms;

namespace DouyinEtl.UnitTests.Streams.LiveRooms;

public sealed class LiveRoomPageTests
{
    // TikHub's documented response example for fetch_live_room_history_list, verbatim (room id masked by its author).
    private const string DocumentedExample = """
        {     "data": {         "code": 0,         "componentID": "",         "data": {             "series": [                 {                     "clientCommentUcntTd": "0",                     "coverUri": "https://p3-webcast-sign.douyinpic.com/...",                     "endTime": "2025-11-20 13:52:20",                     "liveConsumeUcnt": "1",                     "liveDurationWithoutPause": "1分钟5秒",                     "liveFansConsumeUcntTd": "1",                     "liveNewFollowUcnt": "0",                     "liveServerWatchDurationTdPavg": "0.5666666666666667",                     "pcu": "1",                     "playStatus": "4",                     "roomID": "75746809889xxxxxx",                     "roomLiveEarnScore": "1",                     "roomTitle": "xxxxxxxx",                     "serverLikeCntTd": "0",                     "serverWatchUcntTdDirect": "1",                     "startTime": "2025-11-20 13:51:15",                     "watchCnt": "1"                 }             ]         },         "meta": ""     } }
        """;

    [Fact]
    public void Parse_DocumentedExampleVerbatim_FindsTheSessionAndSkipsItsMaskedRoomId()
    {
        var problems = new PayloadProblems();

        var page = LiveRoomPage.Parse(Json(DocumentedExample), problems);

        Assert.NotNull(page);
        Assert.Empty(page.Rooms);
        Assert.Equal(1, page.Skipped);
        Assert.Equal(1, page.Served);
        Assert.Contains(problems.Messages, m => m.Contains("roomID", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_DocumentedExampleWithARealRoomId_ReadsEveryField()
    {
        var problems = new PayloadProblems();

        var page = LiveRoomPage.Parse(Json(DocumentedExample.Replace("75746809889xxxxxx", "7574680988912345678", StringComparison.Ordinal)), problems);

        var room = Assert.Single(page!.Rooms);
        Assert.Empty(problems.Messages);
        Assert.Equal("7574680988912345678", room.RoomId);
        Assert.Equal("xxxxxxxx", room.Title);
        Assert.Equal("https://p3-webcast-sign.douyinpic.com/...", room.CoverUrl);
        Assert.Equal(new DateTimeOffset(2025, 11, 20, 5, 51, 15, TimeSpan.Zero), room.StartTime);
        Assert.Equal(new DateTimeOffset(2025, 11, 20, 5, 52, 20, TimeSpan.Zero), room.EndTime);
        Assert.Equal(65, room.DurationSeconds);
        Assert.Equal("1分钟5秒", room.DurationText);
        Assert.Equal(4, room.PlayStatus);
        Assert.False(room.IsLive);
        Assert.Equal(1, room.WatchCount);
        Assert.Equal(1, room.DirectWatchUsers);
        Assert.Equal(1, room.PeakUsers);
        Assert.Equal(0.5666666666666667m, room.AvgWatchDuration);
        Assert.Equal(0, room.LikeCount);
        Assert.Equal(0, room.CommentUsers);
        Assert.Equal(0, room.NewFollowers);
        Assert.Equal(1, room.ConsumeUsers);
        Assert.Equal(1, room.FanConsumeUsers);
        Assert.Equal(1m, room.EarnScore);
    }

    [Theory]
    [InlineData("""{"code": 0, "componentID": "", "data": {"series": [ROOM]}, "meta": ""}""")]
    [InlineData("""{"data": {"code": 0, "data": {"series": [ROOM]}}}""")]
    [InlineData("""{"series": [ROOM]}""")]
    [InlineData("""{"status_code": 0, "data": {"data": {"data": {"series": [ROOM]}}}}""")]
    public void Parse_AnyNestingOfSeries_FindsTheSessions(string shape)
    {
        var page = LiveRoomPage.Parse(Json(shape.Replace("ROOM", LiveRoom, StringComparison.Ordinal)), new PayloadProblems());

        Assert.Equal("7500740000000001001", Assert.Single(page!.Rooms).RoomId);
    }

    [Fact]
    public void Parse_LiveRoomWithPlaceholders_IsLiveWithoutEndAndWithNullCounts()
    {
        var problems = new PayloadProblems();

        var room = Assert.Single(LiveRoomPage.Parse(Json("""{"data": {"series": [""" + LiveRoom + "]}}"), problems)!.Rooms);

        Assert.Empty(problems.Messages);
        Assert.True(room.IsLive);
        Assert.Null(room.EndTime);
        Assert.Equal(2, room.PlayStatus);
        Assert.Equal(8_104, room.DurationSeconds);
        Assert.Null(room.ConsumeUsers);
        Assert.Null(room.EarnScore);
        Assert.Equal(12, room.WatchCount);
    }

    [Fact]
    public void Parse_NestedNonZeroCode_IsReportedNotReadAsAnEmptyList()
    {
        var page = LiveRoomPage.Parse(Json("""{"data": {"code": 10008, "msg": "登录过期", "data": null}}"""), new PayloadProblems());

        Assert.Equal(10008, page!.InnerCode);
        Assert.Equal("登录过期", page.InnerMessage);
    }

    [Theory]
    [InlineData("""{"data": {"code": 0, "data": {}}}""")]
    [InlineData("""{"code": 0}""")]
    [InlineData("""[]""")]
    public void Parse_NoSeriesAnywhere_IsUnreadable(string shape) => Assert.Null(LiveRoomPage.Parse(Json(shape), new PayloadProblems()));

    [Fact]
    public void Parse_EmptyOrNullSeries_IsAnEmptyPage()
    {
        Assert.Empty(LiveRoomPage.Parse(Json("""{"data": {"series": []}}"""), new PayloadProblems())!.Rooms);
        Assert.Empty(LiveRoomPage.Parse(Json("""{"data": {"series": null}}"""), new PayloadProblems())!.Rooms);
    }

    [Fact]
    public void Parse_OddValues_AreReportedAndTheRoomStillLands()
    {
        var odd = LiveRoom
            .Replace("\"2小时15分钟4秒\"", "\"很久\"", StringComparison.Ordinal)
            .Replace("\"2026-11-20 16:24:10\"", "\"yesterday\"", StringComparison.Ordinal)
            .Replace("\"watchCnt\": \"12\"", "\"watchCnt\": \"12\", \"anchorLevel\": \"3\"", StringComparison.Ordinal);
        var problems = new PayloadProblems();

        var room = Assert.Single(LiveRoomPage.Parse(Json("""{"series": [""" + odd + "]}"), problems)!.Rooms);

        Assert.Null(room.DurationSeconds);
        Assert.Equal("很久", room.DurationText);
        Assert.Null(room.StartTime);
        Assert.Equal(3, problems.Messages.Count);
        Assert.Contains(problems.Messages, m => m.Contains("anchorLevel", StringComparison.Ordinal));
    }

    private const string LiveRoom = """
        {"clientCommentUcntTd": "3", "coverUri": "https://p3-webcast-sign.douyinpic.com/c.jpeg", "endTime": "",
         "liveConsumeUcnt": "-", "liveDurationWithoutPause": "2小时15分钟4秒", "liveFansConsumeUcntTd": "-",
         "liveNewFollowUcnt": "1", "liveServerWatchDurationTdPavg": "27.1331", "pcu": "4", "playStatus": "2",
         "roomID": "7500740000000001001", "roomLiveEarnScore": "-", "roomTitle": "做饭直播", "serverLikeCntTd": "55",
         "serverWatchUcntTdDirect": "4", "startTime": "2026-11-20 16:24:10", "watchCnt": "12"}
        """;

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
