using System.Globalization;
using System.Text.Json;
using DouyinEtl.Json;
using DouyinEtl.Replay;
using DouyinEtl.Streams.ItemAnalytics.ItemOverview;
using DouyinEtl.Sync;
using DouyinEtl.Upstream;
using Npgsql;

namespace DouyinEtl.Streams.ItemAnalytics;

/// <summary>
/// Replays the seven per-work endpoints' landed answers through <see cref="AnalyticsAnswer"/>, the readers and the
/// day-replacing writes the fan-out uses, plus the analysts' fetch record; the works come from the request (<c>item_id</c>,
/// or the overview batch's <c>ids</c>). Every table is a snapshot per Beijing day and a call only writes its own day, so
/// oldest first a day's later answer wins, as live, and an older period never touches newer days. The refresh
/// bookkeeping (<c>etl.item_refresh</c>, what is due) is not touched: replay pays for nothing.
/// </summary>
internal sealed class ItemAnalyticsReplay(NpgsqlDataSource dataSource) : IReplayableStream
{
    // Every endpoint, also one switched off now: its landed answers are still ours to replay.
    private static readonly List<WorkEndpoint> AllAnalyses = WorkEndpoints.Enabled(new ItemAnalyticsEndpoints());

    public string Stream => ItemAnalyticsSync.Stream;

    public IReadOnlyList<string> Endpoints { get; } = [UpstreamEndpoints.ItemOverviewData, .. AllAnalyses.Select(a => a.Endpoint).Distinct()];

    public async Task<int> ReplayAsync(LandedPayload call, RunContext run, CancellationToken cancellationToken)
    {
        if (call.ToResponse() is not { } response)
        {
            return 0;
        }

        var problems = new PayloadProblems();
        AnalyticsAnswer answer;
        string variant;
        if (call.Endpoint == UpstreamEndpoints.ItemOverviewData)
        {
            variant = "";
            var ids = call.RequestField("ids") is { ValueKind: JsonValueKind.String } text ? text.GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
            var sections = OverviewAnswer.Sections(call.RequestField("fields") is { ValueKind: JsonValueKind.String } fields ? fields.GetString() : null);
            answer = AnalyticsAnswer.ForOverview(ids, sections, call.AccountId, response, problems);
        }
        else
        {
            variant = call.Endpoint == UpstreamEndpoints.ItemWatchTrend && JsonRead.Int32(call.Request, "analysis_type") is { } type ? type.ToString(CultureInfo.InvariantCulture) : "";
            var analysis = AllAnalyses.FirstOrDefault(a => a.Endpoint == call.Endpoint && a.Variant == variant);
            if (analysis is null || call.RequestField("item_id") is not { ValueKind: JsonValueKind.String } itemId)
            {
                await run.RecordProblemAsync(call.AccountId, Stream, call.Scope, "replay_unreadable_request", "the call's request names no work (or no known analysis type); nothing replayed from it", call.CallId, cancellationToken);
                return 0;
            }

            answer = AnalyticsAnswer.ForItem(analysis, itemId.GetString()!, call.AccountId, response, problems);
        }

        var fetch = new FetchContext(call.Endpoint, variant, call.AccountId, response.RequestedAt, call.CallId, call.RunId);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var written = answer.WriteAsync is null ? 0 : await answer.WriteAsync(connection, transaction, cancellationToken);
        await ItemRefreshSql.RecordFetchAsync(connection, transaction, fetch, answer.Works, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await run.RecordPayloadProblemsAsync(call.AccountId, Stream, call.Scope, problems, call.CallId, cancellationToken);
        return written;
    }
}
