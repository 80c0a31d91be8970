using DouyinEtl.Json;
using DouyinEtl.Replay;
using DouyinEtl.Sync;
using DouyinEtl.Upstream;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DouyinEtl.Streams.AuthorDiagnosis;

/// <summary>
/// Replays landed diagnoses with <see cref="AuthorDiagnosisSync"/>'s rows (the data day decided from the call time, as
/// live) and upsert, which keeps a day's later answer over an older one. The day checkpoints are not touched: they
/// say which days were paid for, and replay pays for nothing.
/// </summary>
internal sealed class AuthorDiagnosisReplay(NpgsqlDataSource dataSource, IOptions<AuthorDiagnosisOptions> options) : IReplayableStream
{
    public string Stream => AuthorDiagnosisSync.Stream;

    public IReadOnlyList<string> Endpoints { get; } = [UpstreamEndpoints.AuthorDiagnosis];

    public async Task<int> ReplayAsync(LandedPayload call, RunContext run, CancellationToken cancellationToken)
    {
        // Live, "no data yet" and error answers write no rows.
        if (call.ToResponse() is not { Status: InnerStatus.Ok } response)
        {
            return 0;
        }

        var problems = new PayloadProblems();
        if (AuthorDiagnosisSync.Rows(options.Value, call.AccountId, response, problems) is not { } rows)
        {
            await run.RecordProblemAsync(call.AccountId, Stream, call.Scope, "payload_unreadable", "fetch_author_diagnosis data is not an object; nothing replayed from it", call.CallId, cancellationToken);
            return 0;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var written = await AuthorDiagnosisSql.Rows.ExecuteAsync(connection, transaction, rows, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await run.RecordPayloadProblemsAsync(call.AccountId, Stream, call.Scope, problems, call.CallId, cancellationToken);
        return written;
    }
}
