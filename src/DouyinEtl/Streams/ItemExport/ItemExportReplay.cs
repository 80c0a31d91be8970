using System.Text.Json;
using DouyinEtl.Json;
using DouyinEtl.Replay;
using DouyinEtl.Runs;
using DouyinEtl.Streams.ItemList;
using DouyinEtl.Sync;
using DouyinEtl.Upstream;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DouyinEtl.Streams.ItemExport;

/// <summary>
/// Replays landed exports (the xlsx bytes kept in <c>raw.api_call.body</c>) with <see cref="ItemExportSync"/>'s reader,
/// matcher, rows and write: the window from the request's cursors, the day from the call time, the window's rows of
/// that day replaced. A file the live path asked again in halves writes nothing here either. Rows are joined to the
/// works known now, so a replay after item-list has caught up resolves rows that were unmatched live. Rows are per
/// day, so an older period's answers only touch their own days. Checkpoints are not touched.
/// </summary>
internal sealed class ItemExportReplay(NpgsqlDataSource dataSource, IOptions<ItemExportOptions> options) : IReplayableStream
{
    public string Stream => ItemExportSync.Stream;

    public IReadOnlyList<string> Endpoints { get; } = [UpstreamEndpoints.ItemListDownload];

    public async Task<int> ReplayAsync(LandedPayload call, RunContext run, CancellationToken cancellationToken)
    {
        // Live, an error envelope or an expired cookie failed the unit: nothing was written from it.
        if (call.ToResponse() is not { Status: not InnerStatus.Error } response)
        {
            return 0;
        }

        if (Cursor(call.RequestField("min_cursor")) is not { } start || Cursor(call.RequestField("max_cursor")) is not { } last)
        {
            await run.RecordProblemAsync(call.AccountId, Stream, call.Scope, "replay_unreadable_request", "the call's request has no min_cursor/max_cursor; nothing replayed from it", call.CallId, cancellationToken);
            return 0;
        }

        var window = new PublishWindow(start, last.AddMilliseconds(1));
        var problems = new PayloadProblems();
        ExportSheetData? sheet;
        try
        {
            sheet = ItemExportSync.ReadAnswer(response, problems);
        }
        catch (UpstreamFailedException ex)
        {
            await run.RecordProblemAsync(call.AccountId, Stream, call.Scope, "payload_unreadable", $"{ex.Message}; nothing replayed from it", call.CallId, cancellationToken);
            return 0;
        }

        if (sheet is null || ItemExportSync.AskedInHalves(sheet, options.Value.MaxRowsPerExport, window))
        {
            return 0;
        }

        var records = await ItemExportSync.RecordsAsync(dataSource, call.AccountId, window, sheet, response, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var written = await ItemExportSql.ReplaceWindowOfDayAsync(connection, transaction, call.AccountId, window, ShanghaiTime.Day(response.RequestedAt), records, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await run.RecordPayloadProblemsAsync(call.AccountId, Stream, call.Scope, problems, call.CallId, cancellationToken);
        return written;
    }

    private static DateTimeOffset? Cursor(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
