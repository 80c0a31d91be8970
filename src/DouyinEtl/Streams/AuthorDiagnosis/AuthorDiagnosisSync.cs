using System.Globalization;
using System.Text.Json.Nodes;
using DouyinEtl.Configuration;
using DouyinEtl.Json;
using DouyinEtl.Runs;
using DouyinEtl.Sync;
using DouyinEtl.Upstream;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DouyinEtl.Streams.AuthorDiagnosis;

/// <summary>
/// The account diagnosis: one call per account and data day, checkpointed under the day, so a day is paid for once
/// whatever the schedule. It takes no date (the upstream always answers for its latest day), so it cannot backfill.
/// Its single cheap call per account also refreshes <c>etl.account_status</c>: the cookie check of the day.
/// </summary>
internal sealed partial class AuthorDiagnosisSync(
    TikHubClient client,
    NpgsqlDataSource dataSource,
    IOptions<AuthorDiagnosisOptions> options,
    TimeProvider clock,
    ILogger<AuthorDiagnosisSync> log) : ISyncJob
{
    public const string Stream = "author-diagnosis";

    private readonly AuthorDiagnosisOptions _options = options.Value;

    public string Name => Stream;

    public string Description => "Account diagnosis (fetch_author_diagnosis): five dimensions per account and day, one call a day from 12:00 Beijing time.";

    /// <summary>One unit per account whose diagnosis of the day a call now would answer for has not landed.</summary>
    public async Task<JobPlan> PlanAsync(IReadOnlyList<Account> accounts, RunPeriod period, CancellationToken cancellationToken)
    {
        if (period.From is not null || period.To is not null)
        {
            LogPeriodIgnored(log);
        }

        var day = _options.DataDay(clock.GetUtcNow());
        var checkpointsOf = await Checkpoints.LoadAsync(dataSource, Stream, accounts.Select(a => a.Id), cancellationToken);
        var due = accounts.Where(a => !checkpointsOf[a.Id].TryGetValue(Key(day), out var done) || done.CompletedAt is null);
        return JobPlan.Interleaved(Stream, "days", accounts, due.Select(account => new PlannedUnit(account, Key(day), (run, ct) => FetchAsync(run, account, day, ct))));
    }

    /// <summary>
    /// <c>accounts check</c>: one diagnosis call for <paramref name="account"/> now, whatever is checkpointed. Its answer
    /// lands and is loaded exactly as the job's own (a later answer for the day replaces the earlier one), so the call
    /// that tests the cookie is not wasted.
    /// </summary>
    public Task CheckAsync(RunContext run, Account account, CancellationToken cancellationToken) =>
        FetchAsync(run, account, _options.DataDay(clock.GetUtcNow()), cancellationToken);

    private async Task FetchAsync(RunContext run, Account account, DateOnly plannedDay, CancellationToken cancellationToken)
    {
        var response = await client.CallAsync(run, new UpstreamRequest(UpstreamEndpoints.AuthorDiagnosis, account, new JsonObject(), Stream, Key(plannedDay)), cancellationToken);

        // The call time decides the day, not the plan: a call that crossed 12:00 already answers for the newer day.
        var day = _options.DataDay(response.RequestedAt);
        switch (response.Status)
        {
            case InnerStatus.NoDataYet:
                await run.RecordProblemAsync(account.Id, Stream, Key(day), "no_data_yet",
                    $"inner status {response.InnerCode} ({response.InnerMessage}): no diagnosis yet; the next run asks again", response.CallId, cancellationToken);
                return;
            case InnerStatus.Error or InnerStatus.RangeTooLarge:
                throw new UpstreamFailedException(UpstreamEndpoints.AuthorDiagnosis, $"inner status {response.InnerCode}: {response.InnerMessage}", 200, response.CallId);
        }

        var problems = new PayloadProblems();
        var rows = Rows(_options, account.Id, response, problems);
        if (rows is not { Count: > 0 })
        {
            // Paid for and kept raw: asking again the same day would pay for the same answer.
            await run.RecordProblemAsync(account.Id, Stream, Key(day), rows is null ? "payload_unreadable" : "no_data",
                "fetch_author_diagnosis served no dimension; kept raw, the day is not asked again", response.CallId, cancellationToken);
            rows = [];
        }

        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            run.Counters.RowsWritten(await AuthorDiagnosisSql.Rows.ExecuteAsync(connection, transaction, rows, cancellationToken));
            var now = clock.GetUtcNow();
            await Checkpoints.SaveAsync(connection, transaction, Stream, account.Id, Key(day), new DayState(rows.Count, response.CallId), now, now, run.RunId, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await run.RecordPayloadProblemsAsync(account.Id, Stream, Key(day), problems, response.CallId, cancellationToken);
    }

    /// <summary>
    /// The rows of one answer, under the data day its call time decides; built the same way live and in replay. Null
    /// when <c>data</c> is not an object at all; empty for an account without data yet.
    /// </summary>
    internal static List<DiagnosisRow>? Rows(AuthorDiagnosisOptions options, string accountId, UpstreamResponse response, PayloadProblems problems) =>
        DiagnosisPayload.Parse(response.Data, problems) is { } dimensions
            ? [.. dimensions.Select(d => new DiagnosisRow(accountId, options.DataDay(response.RequestedAt), d, response.RequestedAt, response.CallId))]
            : null;

    private static string Key(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Checkpoint of a data day: loaded, with how many dimensions, from which call.</summary>
    private sealed record DayState(int Dimensions, long CallId);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "Author diagnosis takes no date range: --from/--to are ignored, the latest published day is loaded")]
    private static partial void LogPeriodIgnored(ILogger logger);
}
