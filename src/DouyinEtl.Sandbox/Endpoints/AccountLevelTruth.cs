using System.Globalization;
using DouyinEtl.Sandbox.Hosting;
using DouyinEtl.Sandbox.World;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace DouyinEtl.Sandbox.Endpoints;

/// <summary>
/// Ground truth of the account-level endpoints, in canonical form (every field, numbers as numbers), whatever variant
/// the API serves: <c>/sandbox/truth/author-diagnosis</c>, <c>/sandbox/truth/item-analysis</c>, <c>/sandbox/truth/live-rooms</c>.
/// <c>at</c> defaults to the sandbox's now; dates are yyyy-MM-dd.
/// </summary>
public static class AccountLevelTruth
{
    public static void Map(IEndpointRouteBuilder routes, SandboxState state)
    {
        routes.MapGet("/sandbox/truth/author-diagnosis", (string account, DateTimeOffset? at) =>
            Resolve(state, account) is not { } a
                ? Results.NotFound()
                : Results.Json(new
                {
                    account_id = a.Id,
                    data_day = AuthorDiagnosisWorld.DataDay(at ?? state.Clock.GetUtcNow()),
                    dimensions = AuthorDiagnosisWorld.For(state.World, a, AuthorDiagnosisWorld.DataDay(at ?? state.Clock.GetUtcNow())),
                }));

        routes.MapGet("/sandbox/truth/item-analysis", (string account, DateOnly from, DateOnly to, DateTimeOffset? at) =>
        {
            if (Resolve(state, account) is not { } a)
            {
                return Results.NotFound();
            }

            var now = at ?? state.Clock.GetUtcNow();
            var verticals = ItemAnalysisWorld.InvolvedVerticals(state.World, a, from, to, now);
            long[] genres = [1, 2, 3, 4, 5, 8];
            return Results.Json(new
            {
                account_id = a.Id,
                verticals,
                overview = ItemAnalysisWorld.Overview(state.World, a, from, to, genres, verticals, now),
                performance = Enumerable.Range(1, 4).ToDictionary(
                    m => m.ToString(CultureInfo.InvariantCulture),
                    m => ItemAnalysisWorld.Performance(state.World, a, from, to, genres, verticals, m, now)),
            });
        });

        routes.MapGet("/sandbox/truth/live-rooms", (string account, DateOnly from, DateOnly to, DateTimeOffset? at) =>
            Resolve(state, account) is not { } a
                ? Results.NotFound()
                : Results.Json(LiveRoomWorld.History(state.World, a, from, to, at ?? state.Clock.GetUtcNow(), includeLive: true).Select(r => new
                {
                    room_id = r.Room.RoomId,
                    account_id = a.Id,
                    title = r.Room.Title,
                    start_time = r.Room.StartTime,
                    end_time = r.EndTime,
                    is_live = r.IsLive,
                    play_status = r.PlayStatus,
                    duration_seconds = r.DurationSeconds,
                    duration_text = LiveRoomWorld.FormatDuration(r.DurationSeconds),
                    watch_count = r.WatchCount,
                    direct_watch_users = r.DirectWatchUsers,
                    peak_users = r.PeakUsers,
                    avg_watch_minutes = r.AvgWatchMinutes,
                    like_count = r.LikeCount,
                    comment_users = r.CommentUsers,
                    new_followers = r.NewFollowers,
                    consume_users = r.ConsumeUsers,
                    fan_consume_users = r.FanConsumeUsers,
                    earn_score = r.EarnScore,
                })));
    }

    private static SandboxAccount? Resolve(SandboxState state, string account) => state.World.FindById(account);
}
