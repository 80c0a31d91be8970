using Dapper;
using DouyinEtl.Accounts;
using DouyinEtl.Configuration;
using DouyinEtl.Runs;
using DouyinEtl.Sync;
using DouyinEtl.Warehouse;
using Npgsql;

namespace DouyinEtl.Cli;

/// <summary>Applied migrations against the ones this build carries; <see cref="Behind"/> is a lower bound when <see cref="Known"/> is false.</summary>
internal sealed record SchemaStatus(bool Known, int? AppliedVersion, int ExpectedVersion, int Behind, IReadOnlyList<string> Pending, IReadOnlyList<int> Unknown);

/// <summary>An account's cookie state (<c>douyin.pipeline_account_status</c>) and, when this login may read <c>raw</c>, its calls.</summary>
internal sealed record AccountStatus(
    string AccountId,
    string Name,
    bool Configured,
    string CookieState,
    DateTimeOffset? StateSince,
    DateTimeOffset? LastOkAt,
    long? Calls24h,
    long? BilledCalls24h,
    decimal? EstimatedCost24h);

/// <summary>One TikHub key's calls in the last 24 h (from <c>raw.api_call.key_id</c>): its name or fingerprint, never the key.</summary>
internal sealed record KeyStatus(string KeyId, long Calls24h, long BilledCalls24h, long Throttled24h, long Refused24h, decimal EstimatedCost24h);

/// <summary>One row of <c>douyin.pipeline_stream_status</c>: its freshness rule (stale = nothing completed for 25 h) decides <see cref="IsStale"/>.</summary>
internal sealed record StreamFreshness(
    string Stream,
    string AccountId,
    long Units,
    long UnitsCompleted,
    DateTimeOffset? LastCompletedAt,
    decimal? HoursSinceCompleted,
    bool IsStale,
    string? LastRunStatus,
    DateTimeOffset? LastRunStartedAt);

/// <summary>A run still marked running whose process holds no lease any more (killed, OOM, lost node).</summary>
internal sealed record OrphanedRun(long RunId, string Job, DateTimeOffset StartedAt);

/// <summary>A job's runs (<c>douyin.pipeline_run</c>) and what a run started now would do (<see cref="ISyncJob.PlanAsync"/>).</summary>
internal sealed record JobStatus(
    string Job,
    DateTimeOffset? LastSuccessAt,
    long? LastRunId,
    string? LastRunStatus,
    DateTimeOffset? LastRunStartedAt,
    string? LastFinishedRunStatus,
    long Runs24h,
    long RunningNow,
    long Calls24h,
    long BilledCalls24h,
    decimal EstimatedCost24h,
    IReadOnlyList<DueWork>? Due,
    string? DueNote);

/// <summary>One reason <c>status --check</c> does not exit 0. <see cref="Kind"/>: cookie_expired, no_permission, stale, run_failed, run_orphaned, unknown.</summary>
internal sealed record StatusProblem(string Kind, string? Job, string? AccountId, string Message);

/// <summary>
/// What <c>douyin-etl status</c> shows, read from the warehouse only (no upstream call, no write: its sessions are
/// read-only), through the same views an analyst reads — <c>douyin.pipeline_account_status</c>,
/// <c>pipeline_stream_status</c> (whose rule decides what is stale), <c>pipeline_run</c> and
/// <c>pipeline_schema_migration</c> — so it works for the analyst role too. Per-account call counts need
/// <c>raw.api_call</c>, and what is due needs the configured accounts and <c>etl</c>: without them those parts say why
/// they are missing (<see cref="Notes"/>) instead of failing.
/// </summary>
internal sealed record StatusReport(
    DateTimeOffset Now,
    decimal PricePerCall,
    SchemaStatus Schema,
    bool AccountsConfigured,
    IReadOnlyList<AccountStatus> Accounts,
    IReadOnlyList<JobStatus> Jobs,
    IReadOnlyList<StreamFreshness> Freshness,
    IReadOnlyList<OrphanedRun> OrphanedRuns,
    IReadOnlyList<string> Notes,
    IReadOnlyList<StatusProblem> Problems)
{
    /// <summary>Every account of both sources and where it comes from (<see cref="AccountListing"/>).</summary>
    public IReadOnlyList<AccountListing> AccountSources { get; init; } = [];

    /// <summary>Calls per key of the pool in the last 24 h; empty when this login may not read <c>raw.api_call</c>.</summary>
    public IReadOnlyList<KeyStatus> Keys { get; init; } = [];

    /// <summary><c>status --check</c>: 0 all fresh; 1 something stale, a job's last run failed or died, or not readable; 2 a cookie expired (wins over 1).</summary>
    public int ExitCode => Problems.Any(p => p.Kind == "cookie_expired") ? 2 : Problems.Count > 0 ? 1 : 0;

    public long? Calls24h => Accounts.Any(a => a.Calls24h is null) ? null : Accounts.Sum(a => a.Calls24h!.Value);

    public long BilledCalls24h => Jobs.Sum(j => j.BilledCalls24h);

    public decimal EstimatedCost24h => BilledCalls24h * PricePerCall;

    private const string AccountView = "douyin.pipeline_account_status";
    private const string StreamView = "douyin.pipeline_stream_status";
    private const string RunView = "douyin.pipeline_run";
    private const string MigrationView = "douyin.pipeline_schema_migration";
    private const string MigrationTable = "etl.schema_migration";
    private const string CallTable = "raw.api_call";

    // Catalogs are readable by every login: which of the sources exist, and which this login may read.
    private const string SourcesSql = """
        SELECT n.nspname || '.' || c.relname AS name, has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT') AS readable
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname || '.' || c.relname = ANY (@Names)
        """;

    private const string AccountsSql = "SELECT account_id, account_name, state, state_since, last_ok_at FROM douyin.pipeline_account_status ORDER BY account_id";

    private const string FreshnessSql = """
        SELECT stream, account_id, units, units_completed, last_completed_at, hours_since_completed, is_stale, last_run_status, last_run_started_at
        FROM douyin.pipeline_stream_status
        ORDER BY account_id, stream
        """;

    private const string CallsByAccountSql = """
        SELECT account_id AS key, count(*) AS calls, count(*) FILTER (WHERE http_status = 200) AS billed
        FROM raw.api_call WHERE requested_at >= @Since
        GROUP BY account_id
        """;

    private const string CallsByKeySql = """
        SELECT key_id, count(*) AS calls, count(*) FILTER (WHERE http_status = 200) AS billed,
               count(*) FILTER (WHERE http_status = 429) AS throttled, count(*) FILTER (WHERE http_status IN (401, 403)) AS refused
        FROM raw.api_call WHERE requested_at >= @Since AND key_id IS NOT NULL
        GROUP BY key_id ORDER BY key_id
        """;

    private const string RunsSql = """
        SELECT job,
               max(finished_at) FILTER (WHERE status = 'succeeded') AS last_success_at,
               count(*) FILTER (WHERE started_at >= @Since) AS runs_24h,
               count(*) FILTER (WHERE status = 'running') AS running_now,
               coalesce(sum(calls) FILTER (WHERE started_at >= @Since), 0)::bigint AS calls_24h,
               coalesce(sum(billed_calls) FILTER (WHERE started_at >= @Since), 0)::bigint AS billed_24h
        FROM douyin.pipeline_run
        GROUP BY job
        """;

    private const string LastRunsSql = """
        SELECT DISTINCT ON (job) job, run_id, status, started_at
        FROM douyin.pipeline_run
        ORDER BY job, started_at DESC, run_id DESC
        """;

    private const string LastFinishedRunsSql = """
        SELECT DISTINCT ON (job) job, status
        FROM douyin.pipeline_run
        WHERE status <> 'running'
        ORDER BY job, started_at DESC, run_id DESC
        """;

    // A live run holds the advisory lock (RunLedger.LeaseClass, run id) — two int4 keys: classid, objid, objsubid 2.
    // pg_locks is readable by every login.
    private const string OrphanedRunsSql = """
        SELECT r.run_id, r.job, r.started_at
        FROM douyin.pipeline_run r
        WHERE r.status = 'running'
          AND NOT EXISTS (
              SELECT 1 FROM pg_locks l
              WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
                AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                AND l.classid::bigint = @LeaseClass AND l.objid::bigint = (r.run_id & 4294967295))
        ORDER BY r.run_id
        """;

    public static async Task<StatusReport> LoadAsync(
        NpgsqlDataSource dataSource,
        IReadOnlyList<Account> configured,
        IReadOnlyList<ISyncJob> jobs,
        decimal pricePerCall,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var since = new { Since = (now - TimeSpan.FromDays(1)).UtcDateTime };
        var notes = new List<string>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var sources = (await connection.QueryAsync<(string Name, bool Readable)>(new CommandDefinition(
            SourcesSql, new { Names = new[] { AccountView, StreamView, RunView, MigrationView, MigrationTable, CallTable } }, cancellationToken: cancellationToken)))
            .ToDictionary(s => s.Name, s => s.Readable, StringComparer.Ordinal);
        bool Readable(string name, string purpose)
        {
            if (sources.GetValueOrDefault(name))
            {
                return true;
            }

            notes.Add(sources.ContainsKey(name)
                ? $"{purpose}: not shown, this login may not read {name}."
                : $"{purpose}: not shown, {name} does not exist (the schema is behind).");
            return false;
        }

        var schema = await SchemaAsync(connection, sources, cancellationToken);

        var known = Readable(AccountView, "Cookie states")
            ? (await connection.QueryAsync<(string AccountId, string? Name, string? State, DateTime? Since, DateTime? LastOk)>(
                new CommandDefinition(AccountsSql, cancellationToken: cancellationToken))).ToList()
            : [];
        var calls = sources.GetValueOrDefault(CallTable)
            ? (await connection.QueryAsync<(string Key, long Calls, long Billed)>(new CommandDefinition(CallsByAccountSql, since, cancellationToken: cancellationToken)))
                .ToDictionary(r => r.Key, r => (r.Calls, r.Billed), StringComparer.Ordinal)
            : null;
        var keys = sources.GetValueOrDefault(CallTable)
            ? (await connection.QueryAsync<(string KeyId, long Calls, long Billed, long Throttled, long Refused)>(new CommandDefinition(CallsByKeySql, since, cancellationToken: cancellationToken)))
                .Select(k => new KeyStatus(k.KeyId, k.Calls, k.Billed, k.Throttled, k.Refused, k.Billed * pricePerCall))
                .ToList()
            : [];
        if (calls is null)
        {
            notes.Add($"Calls per account: not shown, this login may not read {CallTable} (the calls per job come from {RunView}).");
        }

        var freshness = Readable(StreamView, "Stream freshness")
            ? (await connection.QueryAsync<(string Stream, string AccountId, long Units, long UnitsCompleted, DateTime? LastCompletedAt, decimal? Hours, bool IsStale, string? LastRunStatus, DateTime? LastRunStartedAt)>(
                new CommandDefinition(FreshnessSql, cancellationToken: cancellationToken)))
                .Select(f => new StreamFreshness(f.Stream, f.AccountId, f.Units, f.UnitsCompleted, Utc(f.LastCompletedAt), f.Hours, f.IsStale, f.LastRunStatus, Utc(f.LastRunStartedAt)))
                .ToList()
            : [];

        var runsReadable = Readable(RunView, "Runs");
        var runs = runsReadable
            ? (await connection.QueryAsync<(string Job, DateTime? LastSuccessAt, long Runs24h, long RunningNow, long Calls24h, long Billed24h)>(
                new CommandDefinition(RunsSql, since, cancellationToken: cancellationToken))).ToDictionary(r => r.Job, StringComparer.Ordinal)
            : [];
        var lastRuns = runsReadable
            ? (await connection.QueryAsync<(string Job, long RunId, string Status, DateTime StartedAt)>(
                new CommandDefinition(LastRunsSql, cancellationToken: cancellationToken))).ToDictionary(r => r.Job, StringComparer.Ordinal)
            : [];
        var lastFinished = runsReadable
            ? (await connection.QueryAsync<(string Job, string Status)>(
                new CommandDefinition(LastFinishedRunsSql, cancellationToken: cancellationToken))).ToDictionary(r => r.Job, r => r.Status, StringComparer.Ordinal)
            : [];
        var orphaned = runsReadable
            ? (await connection.QueryAsync<(long RunId, string Job, DateTime StartedAt)>(
                new CommandDefinition(OrphanedRunsSql, new { LeaseClass = (long)RunLedger.LeaseClass }, cancellationToken: cancellationToken)))
                .Select(r => new OrphanedRun(r.RunId, r.Job, Utc(r.StartedAt)!.Value))
                .ToList()
            : [];

        var accounts = new List<AccountStatus>();
        foreach (var id in known.Select(k => k.AccountId).Union(configured.Select(a => a.Id)).Order(StringComparer.Ordinal))
        {
            var row = known.FirstOrDefault(k => k.AccountId == id);
            long? accountCalls = calls is null ? null : calls.GetValueOrDefault(id).Calls;
            long? billed = calls is null ? null : calls.GetValueOrDefault(id).Billed;
            accounts.Add(new AccountStatus(
                id,
                configured.FirstOrDefault(a => a.Id == id)?.Name ?? row.Name ?? id,
                configured.Any(a => a.Id == id),
                row.State ?? "never checked",
                Utc(row.Since),
                Utc(row.LastOk),
                accountCalls,
                billed,
                billed * pricePerCall));
        }

        if (configured.Count == 0)
        {
            notes.Add("What a run would do now: not shown, no accounts are configured (Accounts__N__Id); every account in the database is checked.");
        }

        var jobStatuses = new List<JobStatus>();
        foreach (var job in jobs)
        {
            runs.TryGetValue(job.Name, out var run);
            var hasLast = lastRuns.TryGetValue(job.Name, out var last);
            var (due, dueNote) = await DueAsync(job, configured, cancellationToken);
            jobStatuses.Add(new JobStatus(
                job.Name,
                Utc(run.LastSuccessAt),
                hasLast ? last.RunId : null,
                hasLast ? last.Status : null,
                hasLast ? Utc(last.StartedAt) : null,
                lastFinished.GetValueOrDefault(job.Name),
                run.Runs24h,
                run.RunningNow,
                run.Calls24h,
                run.Billed24h,
                run.Billed24h * pricePerCall,
                due,
                dueNote));
        }

        var problems = FindProblems(configured, accounts, jobStatuses, freshness, orphaned, notes);
        return new StatusReport(now, pricePerCall, schema, configured.Count > 0, accounts, jobStatuses, freshness, orphaned, notes, problems) { Keys = keys };
    }

    /// <summary>
    /// What <c>--check</c> counts. With accounts configured, only theirs (an account removed from the configuration keeps
    /// its old, ever staler rows); without, every account the database knows. Only the registered jobs' last finished runs.
    /// </summary>
    private static List<StatusProblem> FindProblems(
        IReadOnlyList<Account> configured,
        IReadOnlyList<AccountStatus> accounts,
        IReadOnlyList<JobStatus> jobs,
        IReadOnlyList<StreamFreshness> freshness,
        IReadOnlyList<OrphanedRun> orphaned,
        IReadOnlyList<string> notes)
    {
        bool Counts(string accountId) => configured.Count == 0 || configured.Any(a => a.Id == accountId);
        var problems = new List<StatusProblem>();
        foreach (var account in accounts.Where(a => Counts(a.AccountId)))
        {
            if (account.CookieState is "cookie_expired" or "no_permission")
            {
                problems.Add(new StatusProblem(account.CookieState, null, account.AccountId,
                    $"account {account.AccountId}: {(account.CookieState == "cookie_expired" ? "cookie expired" : "no data-center permission")} since {Time(account.StateSince)}"));
            }
        }

        foreach (var stream in freshness.Where(f => f.IsStale && Counts(f.AccountId)))
        {
            problems.Add(new StatusProblem("stale", stream.Stream, stream.AccountId,
                $"{stream.Stream} for {stream.AccountId}: stale, nothing completed since {Time(stream.LastCompletedAt)}"));
        }

        foreach (var job in jobs.Where(j => j.LastFinishedRunStatus is "failed" or "partly_failed"))
        {
            problems.Add(new StatusProblem("run_failed", job.Job, null, $"{job.Job}: its last finished run {job.LastFinishedRunStatus}"));
        }

        foreach (var run in orphaned.Where(r => jobs.Any(j => j.Job == r.Job)))
        {
            problems.Add(new StatusProblem("run_orphaned", run.Job, null,
                $"{run.Job}: run {run.RunId} (started {Time(run.StartedAt)}) is marked running but its process is gone; the next run of the job closes it"));
        }

        foreach (var note in notes.Where(n => n.StartsWith("Cookie states", StringComparison.Ordinal) || n.StartsWith("Stream freshness", StringComparison.Ordinal) || n.StartsWith("Runs", StringComparison.Ordinal)))
        {
            problems.Add(new StatusProblem("unknown", null, null, note));
        }

        return problems;
    }

    private static async Task<(IReadOnlyList<DueWork>? Due, string? Note)> DueAsync(ISyncJob job, IReadOnlyList<Account> configured, CancellationToken cancellationToken)
    {
        if (configured.Count == 0)
        {
            return (null, "no accounts configured");
        }

        try
        {
            return ((await job.PlanAsync(configured, RunPeriod.Default, cancellationToken)).Due, null);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.UndefinedColumn)
        {
            return (null, $"not shown: {ex.MessageText} (the planning reads etl and douyin as the ETL login does)");
        }
    }

    private static async Task<SchemaStatus> SchemaAsync(NpgsqlConnection connection, Dictionary<string, bool> sources, CancellationToken cancellationToken)
    {
        var embedded = MigrationRunner.Embedded;
        var source = sources.GetValueOrDefault(MigrationView) ? MigrationView : sources.GetValueOrDefault(MigrationTable) ? MigrationTable : null;
        if (source is null)
        {
            // Without a readable record, the missing view says at least which migrations are not there: it came with V075.
            var atLeast = sources.ContainsKey(MigrationTable) || sources.ContainsKey(MigrationView)
                ? embedded.Where(m => m.Version >= 75 && !sources.ContainsKey(MigrationView)).ToList()
                : [.. embedded];
            return new SchemaStatus(false, null, embedded[^1].Version, atLeast.Count, [.. atLeast.Select(m => m.FileName)], []);
        }

        var applied = (await connection.QueryAsync<int>(new CommandDefinition($"SELECT version FROM {source}", cancellationToken: cancellationToken))).ToHashSet();
        var pending = embedded.Where(m => !applied.Contains(m.Version)).ToList();
        var unknown = applied.Except(embedded.Select(m => m.Version)).Order().ToList();
        return new SchemaStatus(true, applied.Count == 0 ? null : applied.Max(), embedded[^1].Version, pending.Count, [.. pending.Select(m => m.FileName)], unknown);
    }

    internal static string Time(DateTimeOffset? value) =>
        value is { } v ? v.ToOffset(ShanghaiTime.Offset).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) : "-";

    private static DateTimeOffset? Utc(DateTime? value) => value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;
}
