using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Dapper;
using DouyinEtl.Json;
using DouyinEtl.Replay;
using DouyinEtl.Sync;
using DouyinEtl.Upstream;
using Npgsql;

namespace DouyinEtl.Streams.ContentAnalysis;

/// <summary>
/// Replays landed content-analysis answers through <see cref="ContentAnalysisSteps"/>, as <see cref="ContentAnalysisSync"/>
/// wrote them: the window from the call's scope, the end day, genres and verticals from its request. Each step replaces
/// the window's rows of its kind, so an older answer must not overwrite a newer one: an answer is skipped when a newer
/// landed answer of the same window and step (and metric type) exists that the live path wrote from (inner status 0 or
/// 10001, and its unit did not fail on it as unreadable). Replaying everything oldest first thus ends on the rows the
/// live runs left; replaying an older period changes nothing. Checkpoints are not touched. An unknown field is reported once per replay, as once per live run.
/// </summary>
internal sealed class ContentAnalysisReplay(NpgsqlDataSource dataSource) : IReplayableStream
{
    // A newer answer the live run wrote from: status 0 or 10001, and not one its unit failed on (unreadable).
    private const string NewerAnswer = """
        SELECT EXISTS (
            SELECT 1 FROM raw.api_call c
            WHERE c.account_id = @AccountId AND c.endpoint = @Endpoint AND c.stream = @Stream AND c.scope = @Scope
              AND c.call_id > @CallId AND c.http_status = 200 AND c.inner_status IN (0, 10001)
              AND (@MetricType::text IS NULL OR c.request ->> 'metric_type' = @MetricType::text)
              AND NOT EXISTS (SELECT 1 FROM etl.problem p WHERE p.run_id = c.run_id AND p.call_id = c.call_id AND p.kind = 'unit_failed'))
        """;

    private readonly ConcurrentDictionary<string, bool> _reported = new(StringComparer.Ordinal);

    public string Stream => ContentAnalysisSync.Stream;

    public IReadOnlyList<string> Endpoints { get; } =
        [UpstreamEndpoints.ItemAnalysisInvolvedVertical, UpstreamEndpoints.ItemAnalysisOverview, UpstreamEndpoints.ItemAnalysisItemPerformance];

    public async Task<int> ReplayAsync(LandedPayload call, RunContext run, CancellationToken cancellationToken)
    {
        // Live, only answers with status 0 or 10001 are written; any other inner status failed the unit.
        if (call.ToResponse() is not { Status: InnerStatus.Ok or InnerStatus.NoDataYet } response)
        {
            return 0;
        }

        var metricType = JsonRead.Int32(call.Request, "metric_type");
        if (DayWindow.FromKey(call.Scope) is not { } window || Day(call.RequestField("end_date")) is not { } through
            || (call.Endpoint == UpstreamEndpoints.ItemAnalysisItemPerformance && metricType is null))
        {
            await run.RecordProblemAsync(call.AccountId, Stream, call.Scope, "replay_unreadable_request", "the call's scope or request does not name its window, end day or metric type; nothing replayed from it", call.CallId, cancellationToken);
            return 0;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var superseded = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            NewerAnswer,
            new { call.AccountId, call.Endpoint, Stream, call.Scope, call.CallId, MetricType = metricType?.ToString(CultureInfo.InvariantCulture) },
            cancellationToken: cancellationToken));
        if (superseded)
        {
            return 0;
        }

        var scope = new AnalysisScope(call.AccountId, window.First, window.Last, through, call.RequestedAt, call.CallId);
        var problems = new PayloadProblems();
        Func<NpgsqlTransaction, Task<int>>? write = call.Endpoint switch
        {
            UpstreamEndpoints.ItemAnalysisInvolvedVertical => ContentAnalysisSteps.ReadVerticals(response, problems) is { } verticals
                ? t => ContentAnalysisSteps.WriteVerticalsAsync(connection, t, scope, verticals, cancellationToken)
                : null,
            UpstreamEndpoints.ItemAnalysisOverview => ContentAnalysisSteps.TryReadOverview(response, problems, out var overview)
                ? t => ContentAnalysisSteps.WriteOverviewAsync(connection, t, scope, Genres(call), Verticals(call), overview, cancellationToken)
                : null,
            _ => ContentAnalysisSteps.ReadPerformance(response, metricType!.Value, problems) is { } entries
                ? t => ContentAnalysisSteps.WritePerformanceAsync(connection, t, scope, metricType!.Value, entries, cancellationToken)
                : null,
        };
        if (write is null)
        {
            await run.RecordProblemAsync(call.AccountId, Stream, call.Scope, "payload_unreadable", $"{call.Endpoint}: not a shape we can read; nothing replayed from it", call.CallId, cancellationToken);
            return 0;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var written = await write(transaction);
        await transaction.CommitAsync(cancellationToken);
        await run.RecordPayloadProblemsAsync(call.AccountId, Stream, call.Scope, ContentAnalysisSteps.FirstSeen(problems, _reported), call.CallId, cancellationToken);
        return written;
    }

    private static DateOnly? Day(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && DateOnly.TryParseExact(value.GetString(), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    /// <summary>The genres the overview was asked with, as the live path stored them.</summary>
    private static List<int> Genres(LandedPayload call) =>
        call.RequestField("genres") is { ValueKind: JsonValueKind.Array } genres ? [.. genres.EnumerateArray().Select(g => g.GetInt32())] : [];

    private static List<string> Verticals(LandedPayload call) =>
        call.RequestField("primary_verticals") is { ValueKind: JsonValueKind.Array } verticals ? [.. verticals.EnumerateArray().Select(v => v.GetString() ?? "")] : [];
}
