using DouyinEtl.Json;
using DouyinEtl.Replay;
using DouyinEtl.Sync;
using DouyinEtl.Upstream;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DouyinEtl.Streams.LiveRooms;

/// <summary>
/// Replays landed live-history answers with <see cref="LiveRoomsSync"/>'s reader, rows and upserts: an answer that
/// filled its limit was asked again in halves live and writes nothing here either. Order needs no check here: a room
/// takes an older read only where it has none newer (<c>last_seen_at</c>), and a day's snapshot only a later read of
/// that day. Checkpoints are not touched.
/// </summary>
internal sealed class LiveRoomsReplay(NpgsqlDataSource dataSource, IOptions<LiveRoomsOptions> options) : IReplayableStream
{
    public string Stream => LiveRoomsSync.Stream;

    public IReadOnlyList<string> Endpoints { get; } = [UpstreamEndpoints.LiveRoomHistoryList];

    public async Task<int> ReplayAsync(LandedPayload call, RunContext run, CancellationToken cancellationToken)
    {
        if (call.ToResponse() is not { } response)
        {
            return 0;
        }

        var problems = new PayloadProblems();
        var page = LiveRoomsSync.Read(response, problems, out var failure);
        if (failure is not null)
        {
            return 0;
        }

        if (page is null)
        {
            await run.RecordProblemAsync(call.AccountId, Stream, call.Scope, "payload_unreadable", "fetch_live_room_history_list data has no series list; nothing replayed from it", call.CallId, cancellationToken);
            return 0;
        }

        if (DayWindow.FromKey(call.Scope) is not { } window)
        {
            await run.RecordProblemAsync(call.AccountId, Stream, call.Scope, "replay_unreadable_request", "the call's scope names no window; nothing replayed from it", call.CallId, cancellationToken);
            return 0;
        }

        // The limit the call was sent with decides, as it did live.
        if (LiveRoomsSync.AskedInHalves(page, JsonRead.Int32(call.Request, "limit") ?? options.Value.Limit, window))
        {
            return 0;
        }

        var rows = LiveRoomRow.From(call.AccountId, page, response);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var written = await LiveRoomsSql.WriteAsync(connection, transaction, rows, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await run.RecordPayloadProblemsAsync(call.AccountId, Stream, call.Scope, problems, call.CallId, cancellationToken);
        return written;
    }
}
