using DouyinEtl.Json;
using DouyinEtl.Replay;
using DouyinEtl.Sync;
using DouyinEtl.Upstream;
using Npgsql;

namespace DouyinEtl.Streams.ItemList;

/// <summary>
/// Replays landed <c>fetch_item_list</c> pages: the same parser (<see cref="ItemListPage"/>), rows
/// (<see cref="ItemListRows"/>) and upserts as <see cref="ItemListSync"/>, stamped with the landed call's id and time,
/// so a page replayed gives exactly the rows it gave live. Checkpoints are not touched.
/// </summary>
internal sealed class ItemListReplay(NpgsqlDataSource dataSource) : IReplayableStream
{
    public string Stream => ItemListSync.Stream;

    public IReadOnlyList<string> Endpoints { get; } = [UpstreamEndpoints.ItemList];

    public async Task<int> ReplayAsync(LandedPayload call, RunContext run, CancellationToken cancellationToken)
    {
        // Live, only status 0 pages write rows (10001 is an empty window, 200001 a split, the rest errors).
        if (call.InnerStatus is not (null or 0))
        {
            return 0;
        }

        var problems = new PayloadProblems();
        if (ItemListPage.Parse(call.Data, problems) is not { } page)
        {
            await run.RecordProblemAsync(call.AccountId, Stream, call.Scope, "payload_unreadable", "fetch_item_list data has no items list; nothing replayed from it", call.CallId, cancellationToken);
            return 0;
        }

        var rows = ItemListRows.From(page, call.AccountId, call.CallId, call.RequestedAt);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var written = await rows.WriteAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await run.RecordPayloadProblemsAsync(call.AccountId, Stream, call.Scope, problems, call.CallId, cancellationToken);
        return written;
    }
}
