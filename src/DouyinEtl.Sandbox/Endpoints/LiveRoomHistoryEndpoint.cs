using System.Globalization;
using System.Text.Json.Nodes;
using DouyinEtl.Sandbox.Hosting;
using DouyinEtl.Sandbox.World;

namespace DouyinEtl.Sandbox.Endpoints;

/// <summary>
/// <c>fetch_live_room_history_list</c>: the live sessions started in a YYYY-MM-DD range, newest first, at most
/// <c>limit</c> (≤ 400) of them, with no hint that more exist. Every value is a string. The documented answer is
/// TikHub's example as <c>data</c> (sessions at <c>data.data.data.series</c>); the real-world one is the creator
/// platform's body itself (<c>data.data.series</c>), with "-" where a number is zero.
/// </summary>
public static class LiveRoomHistoryEndpoint
{
    public const string Name = "fetch_live_room_history_list";
    public const int MaxLimit = 400;

    public static void Validate(RequestValidator v)
    {
        v.RequiredString("start_date");
        v.RequiredString("end_date");
        v.OptionalInteger("limit", MaxLimit, min: 1);
        v.OptionalInteger("need_living", 1, min: 0, max: 1);
        v.OptionalInteger("download", 0, min: 0, max: 1);
    }

    public static SandboxReply Handle(TikHubRequest request)
    {
        if (!DateRangeParameters.TryRead(request, Name, "yyyy-MM-dd", maxDays: null, out var first, out var last, out var error))
        {
            return error!;
        }

        var limit = (int)Math.Min(MaxLimit, RequestBody.Long(request.Body, "limit") ?? MaxLimit);
        var includeLive = (RequestBody.Long(request.Body, "need_living") ?? 1) == 1;
        var realWorld = request.Variant != PayloadVariant.Documented;
        var series = new JsonArray([.. LiveRoomWorld.History(request.World, request.Account, first, last, request.Now, includeLive)
            .Take(limit)
            .Select(room => (JsonNode)Session(room, realWorld))]);
        var body = new JsonObject
        {
            ["code"] = 0,
            ["componentID"] = "",
            ["data"] = new JsonObject { ["series"] = series },
            ["meta"] = "",
        };
        return new DataReply(realWorld ? body : new JsonObject { ["data"] = body });
    }

    /// <summary>Wall-clock Beijing time as the creator center prints it.</summary>
    public static string Time(DateTimeOffset instant) => ShanghaiClock.ToShanghai(instant).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static JsonObject Session(LiveRoomState state, bool realWorld)
    {
        var room = state.Room;
        string Count(long value) => realWorld && value == 0 ? "-" : value.ToString(CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["clientCommentUcntTd"] = Count(state.CommentUsers),
            ["coverUri"] = room.CoverUrl,
            ["endTime"] = state.EndTime is { } end ? Time(end) : "",
            ["liveConsumeUcnt"] = Count(state.ConsumeUsers),
            ["liveDurationWithoutPause"] = LiveRoomWorld.FormatDuration(state.DurationSeconds),
            ["liveFansConsumeUcntTd"] = Count(state.FanConsumeUsers),
            ["liveNewFollowUcnt"] = Count(state.NewFollowers),
            ["liveServerWatchDurationTdPavg"] = state.AvgWatchMinutes.ToString("R", CultureInfo.InvariantCulture),
            ["pcu"] = Count(state.PeakUsers),
            ["playStatus"] = state.PlayStatus.ToString(CultureInfo.InvariantCulture),
            ["roomID"] = room.RoomId,
            ["roomLiveEarnScore"] = Count(state.EarnScore),
            ["roomTitle"] = room.Title,
            ["serverLikeCntTd"] = Count(state.LikeCount),
            ["serverWatchUcntTdDirect"] = Count(state.DirectWatchUsers),
            ["startTime"] = Time(room.StartTime),
            ["watchCnt"] = Count(state.WatchCount),
        };
    }
}
