using System.Diagnostics;
using System.Text.Json;
using Dapper;
using DouyinEtl.Configuration;
using DouyinEtl.Observability;
using DouyinEtl.Runs;
using DouyinEtl.Sync;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DouyinEtl.Replay;

internal sealed record ReplayRequest(IReadOnlyCollection<string> Streams, IReadOnlyCollection<string> AccountIds, RunPeriod Period);

internal sealed record ReplayProgress(long CallsDone, long CallsTotal, long RowsWritten);

internal sealed record ReplaySummary(long RunId, RunOutcome Outcome, IReadOnlyList<string> Streams, long CallsTotal, RunCountersSnapshot Counters, TimeSpan Duration);

/// <summary>
/// <c>douyin-etl replay</c>: walks the landed calls of the chosen streams (HTTP 200 answers in <c>raw.api_call</c>,
/// oldest first, so later answers win as they did live) and hands each to the stream that owns its endpoint. It never
/// calls upstream: it has no client. The replay is recorded as an <c>etl.run</c> of job <c>replay</c> with 0 calls;
/// a call that cannot be replayed is a problem of that run and the rest go on.
/// </summary>
internal sealed partial class Replayer
{

    private const string CountCalls = $"SELECT count(*) FROM raw.api_call WHERE {Filter}";

    private const string SelectCalls = $"""
        SELECT call_id, run_id, account_id, endpoint, stream, scope, request::text AS request, requested_at, inner_status,
               (payload -> 'data')::text AS data, body
        FROM raw.api_call
        WHERE call_id > @After AND {Filter}
        ORDER BY call_id
        LIMIT 200
        """;

    private const string Filter = """
        http_status = 200 AND outcome IN ('ok', 'inner_error')
          AND endpoint = ANY(@Endpoints)
          AND (cardinality(@AccountIds::text[]) = 0 OR account_id = ANY(@AccountIds))
          AND (@From::timestamptz IS NULL OR requested_at >= @From)
          AND (@To::timestamptz IS NULL OR requested_at < @To)
        """;

    private readonly Dictionary<string, IReplayableStream> _byEndpoint = new(StringComparer.Ordinal);
    private readonly NpgsqlDataSource _dataSource;
    private readonly RunLedger _ledger;
    private readonly AccountRegistry _accounts;
    private readonly TimeProvider _clock;
    private readonly ILogger<Replayer> _log;

    public Replayer(IEnumerable<IReplayableStream> streams, NpgsqlDataSource dataSource, RunLedger ledger, AccountRegistry accounts, TimeProvider clock, ILogger<Replayer> log)
    {
        Streams = [.. streams];
        foreach (var stream in Streams)
        {
            foreach (var endpoint in stream.Endpoints)
            {
                if (!_byEndpoint.TryAdd(endpoint, stream))
                {
                    throw new InvalidOperationException($"Endpoint {endpoint} is replayed by both {_byEndpoint[endpoint].Stream} and {stream.Stream}: each endpoint belongs to one stream.");
                }
            }
        }

        _dataSource = dataSource;
        _ledger = ledger;
        _accounts = accounts;
        _clock = clock;
        _log = log;
    }

    public IReadOnlyList<IReplayableStream> Streams { get; }

    public async Task<ReplaySummary> RunAsync(ReplayRequest request, Action<ReplayProgress>? progress, CancellationToken cancellationToken)
    {
        var chosen = Choose(request.Streams);
        // Replay reads what landed; it needs no account to exist (status and replay run with only a connection string).
        var loaded = await _accounts.LoadAsync(cancellationToken, withCookies: false);
        var selected = request.AccountIds.Count == 0 ? loaded : AccountRegistry.Select(loaded, request.AccountIds);
        var parameters = new DynamicParameters(new
        {
            Endpoints = chosen.SelectMany(s => s.Endpoints).ToArray(),
            AccountIds = request.AccountIds.ToArray(),
            From = request.Period.From is { } from ? ShanghaiTime.StartOfDay(from).UtcDateTime : (DateTime?)null,
            To = request.Period.To is { } to ? ShanghaiTime.StartOfDay(to.AddDays(1)).UtcDateTime : (DateTime?)null,
        });

        await using var lease = await _ledger.StartAsync("replay", "cli", selected, request.Period, cancellationToken);
        var runId = lease.RunId;
        using var scope = _log.BeginScope(new LogScope(new("RunId", runId), new("Job", "replay")));
        using var run = new RunContext(runId, "replay", _clock.GetUtcNow(), selected, request.Period, 0, _ledger, _log);
        var stopwatch = Stopwatch.StartNew();
        long total;
        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken))
        {
            total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountCalls, parameters, cancellationToken: cancellationToken));
        }

        LogStarted(_log, runId, total, string.Join(", ", chosen.Select(s => s.Stream)));
        string? error = null;
        try
        {
            await ReplayAllAsync(run, parameters, total, progress, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            error = "cancelled; calls replayed so far are written, a new replay may cover the same period again";
        }

        var counters = run.Counters.Snapshot();
        var outcome = error is not null || counters.UnitsFailed > 0
            ? (counters.UnitsDone > 0 ? RunOutcome.PartlyFailed : RunOutcome.Failed)
            : RunOutcome.Succeeded;
        await _ledger.FinishAsync(runId, outcome, counters, 0m, error, CancellationToken.None);
        LogFinished(_log, runId, outcome, counters.UnitsDone, counters.UnitsFailed, counters.RowsWritten);
        return new ReplaySummary(runId, outcome, [.. chosen.Select(s => s.Stream)], total, counters, stopwatch.Elapsed);
    }

    private async Task ReplayAllAsync(RunContext run, DynamicParameters parameters, long total, Action<ReplayProgress>? progress, CancellationToken cancellationToken)
    {
        var after = 0L;
        var done = 0L;
        while (true)
        {
            parameters.Add("After", after);
            List<LandedRow> batch;
            await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken))
            {
                batch = [.. await connection.QueryAsync<LandedRow>(new CommandDefinition(SelectCalls, parameters, cancellationToken: cancellationToken))];
            }

            if (batch.Count == 0)
            {
                return;
            }

            foreach (var row in batch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await ReplayOneAsync(run, row, cancellationToken);
                done++;
            }

            after = batch[^1].CallId;
            progress?.Invoke(new ReplayProgress(done, total, run.Counters.Snapshot().RowsWritten));
        }
    }

    private async Task ReplayOneAsync(RunContext run, LandedRow row, CancellationToken cancellationToken)
    {
        var stream = _byEndpoint[row.Endpoint];
        try
        {
            var written = await stream.ReplayAsync(row.ToPayload(), run, cancellationToken);
            run.Counters.RowsWritten(written);
            run.Counters.UnitDone();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            run.Counters.UnitFailed();
            LogCallFailed(_log, ex, row.CallId, stream.Stream);
            await run.RecordProblemAsync(row.AccountId, stream.Stream, row.Scope, "replay_failed", $"call {row.CallId}: {ex.Message}", row.CallId, cancellationToken);
        }
    }

    private List<IReplayableStream> Choose(IReadOnlyCollection<string> names)
    {
        if (names.Count == 0)
        {
            return [.. Streams];
        }

        var unknown = names.Where(n => Streams.All(s => !string.Equals(s.Stream, n, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0)
        {
            throw new ConfigurationException(
                $"--stream {string.Join(", ", unknown)}: not replayable. Replayable streams: {string.Join(", ", Streams.Select(s => s.Stream))}.");
        }

        return [.. Streams.Where(s => names.Contains(s.Stream, StringComparer.OrdinalIgnoreCase))];
    }

    private sealed record LandedRow(
        long CallId,
        long RunId,
        string AccountId,
        string Endpoint,
        string Stream,
        string Scope,
        string Request,
        DateTime RequestedAt,
        int? InnerStatus,
        string? Data,
        byte[]? Body)
    {
        public LandedPayload ToPayload() => new(
            CallId,
            RunId,
            AccountId,
            Endpoint,
            Stream,
            Scope,
            Parse(Request),
            new DateTimeOffset(DateTime.SpecifyKind(RequestedAt, DateTimeKind.Utc)),
            InnerStatus,
            Data is not null ? Parse(Data) : DataFromBody(Body),
            Body);

        private static JsonElement Parse(string json)
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }

        // An envelope holding U+0000 is landed as bytes (jsonb cannot store it): its data is read from there.
        private static JsonElement DataFromBody(byte[]? body)
        {
            if (body is not { Length: > 0 } || body[0] != (byte)'{')
            {
                return default;
            }

            try
            {
                using var document = JsonDocument.Parse(body);
                return document.RootElement.TryGetProperty("data", out var data) ? data.Clone() : default;
            }
            catch (JsonException)
            {
                return default;
            }
        }
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Replay {RunId}: {Calls} landed call(s) of {Streams}")]
    private static partial void LogStarted(ILogger logger, long runId, long calls, string streams);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Replay {RunId} {Outcome}: {Done} call(s) replayed, {Failed} failed, {Rows} rows written, 0 upstream calls")]
    private static partial void LogFinished(ILogger logger, long runId, RunOutcome outcome, long done, long failed, long rows);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "Replay of call {CallId} ({Stream}) failed")]
    private static partial void LogCallFailed(ILogger logger, Exception exception, long callId, string stream);
}
