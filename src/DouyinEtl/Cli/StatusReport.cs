using Dapper;
using DouyinEtl.Accounts;
using DouyinEtl.Configuration;
using DouyinEtl.Sync;
using Npgsql;

namespace DouyinEtl.Cli;

internal sealed record AccountStatus(
    string AccountId,
    string Name,
    bool Configured,
    string CookieState,
    DateTimeOffset? StateSince,
    DateTimeOffset? LastOkAt,
    long Calls24h,
    long BilledCalls24h,
    decimal EstimatedCost24h);

internal sealed record AccountStreamStatus(string AccountId, string Stream, DateTimeOffset? LastCompletedUnitAt);

internal sealed record StreamStatus(
    string Job,
    DateTimeOffset? LastSuccessAt,
    long? LastRunId,
    string? LastRunStatus,
    DateTimeOffset? LastRunStartedAt,
    long Runs24h,
    long RunningNow,
    long Calls24h,
    long BilledCalls24h,
    decimal EstimatedCost24h,
    IReadOnlyList<DueWork>? Due);

/// <summary>
/// What <c>douyin-etl status</c> shows, read from the warehouse's own bookkeeping: each account's cookie state
/// (<c>etl.account_status</c>), the last completed unit per account and stream (<c>etl.checkpoint</c>), each job's last
/// success and runs (<c>etl.run</c>), calls and estimated cost in the last 24 h (<c>raw.api_call</c>), and what is
/// due now (jobs implementing <see cref="IReportsDue"/>). It calls nothing upstream.
/// </summary>
internal sealed record StatusReport(
    DateTimeOffset Now,
    decimal PricePerCall,
    IReadOnlyList<AccountStatus> Accounts,
    IReadOnlyList<StreamStatus> Streams,
    IReadOnlyList<AccountStreamStatus> AccountStreams)
{
    /// <summary>Every account of both sources and where it comes from (<see cref="AccountListing"/>).</summary>
    public IReadOnlyList<AccountListing> AccountSources { get; init; } = [];

    private const string AccountsSql = """
        SELECT a.account_id, a.display_name, s.state, s.state_since, s.last_ok_at
        FROM douyin.account a LEFT JOIN etl.account_status s USING (account_id)
        ORDER BY a.account_id
        """;

    private const string CallsByAccountSql = """
        SELECT account_id AS key, count(*) AS calls, count(*) FILTER (WHERE http_status = 200) AS billed
        FROM raw.api_call WHERE requested_at >= @Since
        GROUP BY account_id
        """;

    private const string CallsByStreamSql = """
        SELECT stream AS key, count(*) AS calls, count(*) FILTER (WHERE http_status = 200) AS billed
        FROM raw.api_call WHERE requested_at >= @Since
        GROUP BY stream
        """;

    private const string RunsSql = """
        SELECT job,
               max(finished_at) FILTER (WHERE status = 'succeeded') AS last_success_at,
               count(*) FILTER (WHERE started_at >= @Since) AS runs_24h,
               count(*) FILTER (WHERE status = 'running') AS running_now
        FROM etl.run
        GROUP BY job
        """;

    private const string LastRunsSql = """
        SELECT DISTINCT ON (job) job, run_id, status, started_at
        FROM etl.run
        ORDER BY job, started_at DESC, run_id DESC
        """;

    private const string CheckpointsSql = """
        SELECT account_id, stream, max(completed_at) AS last_completed_at
        FROM etl.checkpoint
        GROUP BY account_id, stream
        ORDER BY account_id, stream
        """;

    public long Calls24h => Accounts.Sum(a => a.Calls24h);

    public long BilledCalls24h => Accounts.Sum(a => a.BilledCalls24h);

    public decimal EstimatedCost24h => BilledCalls24h * PricePerCall;

    public static async Task<StatusReport> LoadAsync(
        NpgsqlDataSource dataSource,
        IReadOnlyList<Account> configured,
        IReadOnlyList<ISyncJob> jobs,
        decimal pricePerCall,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var since = new { Since = (now - TimeSpan.FromDays(1)).UtcDateTime };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var known = (await connection.QueryAsync<(string AccountId, string Name, string? State, DateTime? Since, DateTime? LastOk)>(
            new CommandDefinition(AccountsSql, cancellationToken: cancellationToken))).ToList();
        var callsByAccount = await CallsAsync(connection, CallsByAccountSql, since, cancellationToken);
        var callsByStream = await CallsAsync(connection, CallsByStreamSql, since, cancellationToken);
        var runs = (await connection.QueryAsync<(string Job, DateTime? LastSuccessAt, long Runs24h, long RunningNow)>(
            new CommandDefinition(RunsSql, since, cancellationToken: cancellationToken))).ToDictionary(r => r.Job, StringComparer.Ordinal);
        var lastRuns = (await connection.QueryAsync<(string Job, long RunId, string Status, DateTime StartedAt)>(
            new CommandDefinition(LastRunsSql, cancellationToken: cancellationToken))).ToDictionary(r => r.Job, StringComparer.Ordinal);
        var checkpoints = (await connection.QueryAsync<(string AccountId, string Stream, DateTime? LastCompletedAt)>(
            new CommandDefinition(CheckpointsSql, cancellationToken: cancellationToken)))
            .Select(c => new AccountStreamStatus(c.AccountId, c.Stream, Utc(c.LastCompletedAt)))
            .ToList();

        var accounts = new List<AccountStatus>();
        foreach (var id in known.Select(k => k.AccountId).Union(configured.Select(a => a.Id)).Order(StringComparer.Ordinal))
        {
            var row = known.FirstOrDefault(k => k.AccountId == id);
            var name = configured.FirstOrDefault(a => a.Id == id)?.Name ?? row.Name ?? id;
            var (calls, billed) = callsByAccount.GetValueOrDefault(id);
            accounts.Add(new AccountStatus(
                id,
                name,
                configured.Any(a => a.Id == id),
                row.State ?? "never checked",
                Utc(row.Since),
                Utc(row.LastOk),
                calls,
                billed,
                billed * pricePerCall));
        }

        var streams = new List<StreamStatus>();
        foreach (var job in jobs)
        {
            runs.TryGetValue(job.Name, out var run);
            var hasLast = lastRuns.TryGetValue(job.Name, out var last);
            var (calls, billed) = callsByStream.GetValueOrDefault(job.Name);
            var due = job is IReportsDue reports ? await reports.DueAsync(configured, cancellationToken) : null;
            streams.Add(new StreamStatus(
                job.Name,
                Utc(run.LastSuccessAt),
                hasLast ? last.RunId : null,
                hasLast ? last.Status : null,
                hasLast ? Utc(last.StartedAt) : null,
                run.Runs24h,
                run.RunningNow,
                calls,
                billed,
                billed * pricePerCall,
                due));
        }

        return new StatusReport(now, pricePerCall, accounts, streams, checkpoints);
    }

    private static async Task<Dictionary<string, (long Calls, long Billed)>> CallsAsync(NpgsqlConnection connection, string sql, object parameters, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<(string Key, long Calls, long Billed)>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.Key, r => (r.Calls, r.Billed), StringComparer.Ordinal);

    private static DateTimeOffset? Utc(DateTime? value) => value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;
}
