using Dapper;
using DouyinEtl.Configuration;
using DouyinEtl.Runs;
using Npgsql;

namespace DouyinEtl.Warehouse;

internal sealed record Problem(long RunId, string? AccountId, string Stream, string? Scope, string Kind, string Message, long? CallId);

/// <summary>The cron fire a daemon run executes, and the scheduler instance (node) executing it.</summary>
internal sealed record ScheduledFire(DateTimeOffset FireTime, string Instance);

/// <summary>A live sharing run another process started: its id and job, who started it (scheduler instance or host) and when.</summary>
internal sealed record SharingRun(long RunId, string Job, string StartedBy, DateTime StartedAt);

/// <summary>The pipeline's own records: <c>etl.run</c>, <c>etl.problem</c>, <c>etl.account_status</c> and <c>douyin.account</c>.</summary>
internal sealed class RunLedger(NpgsqlDataSource dataSource, SecretScrubber scrubber, TimeProvider clock)
{
    private const string StartRun = """
        INSERT INTO etl.run (job, trigger, started_at, accounts, period_from, period_to, host, scheduled_for, scheduler_instance)
        VALUES (@Job, @Trigger, @StartedAt, @Accounts, @From, @To, @Host, @ScheduledFor, @Instance)
        RETURNING run_id
        """;

    // A node killed mid-run leaves its run 'running' for ever; the node that recovers the same fire closes it.
    private const string AbandonRuns = """
        UPDATE etl.run
        SET status = 'failed', exit_code = 1, finished_at = @Now,
            error = 'abandoned: scheduler instance ' || coalesce(scheduler_instance, host, '?') || ' stopped during the run; run ' || @RecoveredBy || ' recovered it'
        WHERE job = @Job AND scheduled_for = @FireTime AND status = 'running' AND run_id <> @RecoveredBy
        """;

    // The fire a recovery stands in for, as the node that ran it recorded it. Quartz's recovery data names the fire by
    // the time its trigger was due when it fired, to the second: for a fire that ran late (a misfire, "fire once now"),
    // that is the catch-up time, not the cron time the run recorded. The node's latest unfinished run of the job at or
    // before that time is the one in flight when it died (or stopped), unless another recovery has claimed it already.
    private const string OrphanedFire = """
        SELECT r.scheduled_for
        FROM etl.run r
        WHERE r.job = @Job AND r.scheduler_instance = @Instance AND r.scheduled_for < @Before
          AND (r.status = 'running' OR r.error LIKE 'abandoned:%' OR r.error LIKE 'stopped early%')
          AND NOT EXISTS (SELECT 1 FROM etl.run o WHERE o.job = r.job AND o.scheduled_for = r.scheduled_for AND o.trigger = 'daemon-recovery')
        ORDER BY r.scheduled_for DESC
        LIMIT 1
        """;

    // A run holds this advisory lock (class, run id) on a connection of its own while it runs: PostgreSQL releases it
    // when the process dies, however it died, so another run can tell a dead 'running' run from a live one.
    internal const int LeaseClass = 0x44594554;

    // One run of a job at a time across every process on the database: the run holds this advisory lock (class, a stable
    // hash of the job name) on its lease connection from before it plans until it ends; a kill frees it with the session.
    internal const int JobLockClass = 0x44594A42;

    // The run holding a job: its 'running' row whose lease is held (a row a dead process left behind has none).
    private const string HoldingRun = """
        SELECT r.run_id AS RunId, r.host AS Host, r.started_at AS StartedAt, r.trigger AS Trigger
        FROM etl.run r
        JOIN pg_locks l ON l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND l.classid::bigint = @LeaseClass AND l.objid::bigint = (r.run_id & 4294967295)
        WHERE r.job = @Job AND r.status = 'running'
        ORDER BY r.run_id DESC
        LIMIT 1
        """;

    // A live sharing run of a job, started by another process: its job lock is held in shared mode (only sharing runs
    // take it so) and its lease is held (a row a dead process left behind has none).
    private const string SharingRunsElsewhere = """
        SELECT r.run_id AS RunId, r.job AS Job, coalesce(r.scheduler_instance, r.host, '?') AS StartedBy, r.started_at AS StartedAt
        FROM etl.run r
        JOIN unnest(@Jobs::text[], @JobKeys::bigint[]) AS j(job, job_key) ON j.job = r.job
        WHERE r.status = 'running' AND r.trigger <> @Trigger AND r.scheduler_instance IS DISTINCT FROM @Instance
          AND EXISTS (
              SELECT 1 FROM pg_locks l
              WHERE l.locktype = 'advisory' AND l.granted AND l.mode = 'ShareLock' AND l.objsubid = 2
                AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                AND l.classid::bigint = @JobLockClass AND l.objid::bigint = j.job_key)
          AND EXISTS (
              SELECT 1 FROM pg_locks l
              WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
                AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                AND l.classid::bigint = @LeaseClass AND l.objid::bigint = (r.run_id & 4294967295))
        ORDER BY r.run_id
        """;

    private const string RunningOthers = "SELECT run_id FROM etl.run WHERE job = @Job AND status = 'running' AND run_id <> @RunId ORDER BY run_id";

    private const string AbandonDead = """
        UPDATE etl.run
        SET status = 'failed', exit_code = 1, finished_at = @Now,
            error = 'abandoned: its process stopped without finishing it (killed, or cut off from the database); run ' || @ResumedBy || ' resumed from the checkpoints'
        WHERE run_id = @RunId AND status = 'running'
        """;

    private const string UpsertAccounts = """
        INSERT INTO douyin.account (account_id, display_name, first_seen_at, updated_at)
        SELECT id, name, @Now, @Now FROM unnest(@Ids::text[], @Names::text[]) AS a(id, name)
        ON CONFLICT (account_id) DO UPDATE SET display_name = excluded.display_name, updated_at = excluded.updated_at
        """;

    private const string FinishRun = """
        UPDATE etl.run
        SET finished_at = @FinishedAt, status = @Status, exit_code = @ExitCode,
            calls = @Calls, billed_calls = @BilledCalls, retries = @Retries, throttled = @Throttled,
            rows_written = @RowsWritten, units_done = @UnitsDone, units_failed = @UnitsFailed,
            units_skipped = @UnitsSkipped, problems = @Problems, estimated_cost_usd = @Cost, error = @Error
        WHERE run_id = @RunId
        """;

    // What the run came to for each of its accounts, so one account's expired cookie does not show the others' streams as failed.
    private const string InsertRunAccounts = """
        INSERT INTO etl.run_account (run_id, account_id, status)
        SELECT @RunId, a.account_id, a.status FROM unnest(@AccountIds::text[], @Statuses::text[]) AS a(account_id, status)
        ON CONFLICT (run_id, account_id) DO UPDATE SET status = excluded.status
        """;

    private const string InsertProblem = """
        INSERT INTO etl.problem (run_id, occurred_at, account_id, stream, scope, kind, message, call_id)
        VALUES (@RunId, @OccurredAt, @AccountId, @Stream, @Scope, @Kind, @Message, @CallId)
        """;

    private const string MarkAccount = """
        INSERT INTO etl.account_status AS s (account_id, state, state_since, last_checked_at, last_ok_at, last_run_id)
        VALUES (@AccountId, @State, @Now, @Now, CASE WHEN @State = 'ok' THEN @Now END, @RunId)
        ON CONFLICT (account_id) DO UPDATE SET
            state = excluded.state,
            state_since = CASE WHEN s.state = excluded.state THEN s.state_since ELSE excluded.state_since END,
            last_checked_at = excluded.last_checked_at,
            last_ok_at = COALESCE(excluded.last_ok_at, s.last_ok_at),
            last_run_id = excluded.last_run_id
        """;

    public Task<RunLease> StartAsync(string job, string trigger, IReadOnlyList<Account> accounts, RunPeriod period, CancellationToken cancellationToken) =>
        StartAsync(job, trigger, accounts, period, null, cancellationToken);

    public Task<RunLease> StartAsync(string job, string trigger, IReadOnlyList<Account> accounts, RunPeriod period, ScheduledFire? fire, CancellationToken cancellationToken) =>
        StartAsync(job, trigger, accounts, period, fire, sharesUnits: false, cancellationToken);

    /// <summary>
    /// Takes the job's lock (<see cref="JobHeldException"/> when another run of it holds it), records the run as
    /// 'running' and holds its lease until the returned lease is disposed (or the process dies). The row and the lease
    /// are taken in one transaction, so no other process ever sees the run without its lease (it would take a live run
    /// for a dead one).
    /// </summary>
    /// <param name="sharesUnits">
    /// Takes the job's lock in shared mode: any number of sharing runs of the job go ahead together (claiming its units,
    /// see <see cref="UnitClaims"/>), while a run that does not share and a sharing one still turn each other away.
    /// </param>
    public async Task<RunLease> StartAsync(string job, string trigger, IReadOnlyList<Account> accounts, RunPeriod period, ScheduledFire? fire, bool sharesUnits, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var jobKey = new { Class = JobLockClass, Job = JobKey(job) };
        var holdsJob = false;
        try
        {
            var take = sharesUnits ? "SELECT pg_try_advisory_lock_shared(@Class, @Job)" : "SELECT pg_try_advisory_lock(@Class, @Job)";
            holdsJob = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(take, jobKey, cancellationToken: cancellationToken));
            if (!holdsJob)
            {
                throw new JobHeldException(job, await HolderAsync(connection, job, cancellationToken));
            }

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                UpsertAccounts,
                new { Now = now, Ids = accounts.Select(a => a.Id).ToArray(), Names = accounts.Select(a => a.Name).ToArray() },
                transaction,
                cancellationToken: cancellationToken));
            var runId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                StartRun,
                new
                {
                    Job = job,
                    Trigger = trigger,
                    StartedAt = now,
                    Accounts = accounts.Select(a => a.Id).ToArray(),
                    period.From,
                    period.To,
                    Host = Environment.MachineName,
                    ScheduledFor = fire?.FireTime.UtcDateTime,
                    fire?.Instance,
                },
                transaction,
                cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@Class, @Run)", new { Class = LeaseClass, Run = LeaseKey(runId) }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            return new RunLease(connection, runId, job, sharesUnits);
        }
        catch
        {
            if (holdsJob)
            {
                await RunLease.UnlockAsync(connection, RunLease.UnlockJob(sharesUnits), jobKey);
            }

            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The run that holds <paramref name="job"/>, as etl.run records it. Between taking the lock and committing its row
    /// the holder is not visible yet: looked up again a few times before saying so.
    /// </summary>
    private static async Task<JobHolder?> HolderAsync(NpgsqlConnection connection, string job, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var holder = await connection.QuerySingleOrDefaultAsync<JobHolder>(new CommandDefinition(
                HoldingRun, new { Job = job, LeaseClass = (long)LeaseClass }, cancellationToken: cancellationToken));
            if (holder is not null || attempt == 4)
            {
                return holder;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    /// <summary>A stable 32-bit key for a job name (FNV-1a of its lower-case UTF-8): the same in every process and build.</summary>
    internal static int JobKey(string job)
    {
        var hash = 2166136261u;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(job.ToLowerInvariant()))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return unchecked((int)hash);
    }

    public Task FinishAsync(long runId, RunOutcome outcome, RunCountersSnapshot counters, decimal pricePerCall, string? error, CancellationToken cancellationToken) =>
        FinishAsync(runId, outcome, counters, pricePerCall, error, new Dictionary<string, RunOutcome>(), cancellationToken);

    /// <param name="accounts">What the run came to for each account (<c>etl.run_account</c>).</param>
    public async Task FinishAsync(
        long runId,
        RunOutcome outcome,
        RunCountersSnapshot counters,
        decimal pricePerCall,
        string? error,
        IReadOnlyDictionary<string, RunOutcome> accounts,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            InsertRunAccounts,
            new { RunId = runId, AccountIds = accounts.Keys.ToArray(), Statuses = accounts.Values.Select(Status).ToArray() },
            transaction,
            cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            FinishRun,
            new
            {
                RunId = runId,
                FinishedAt = clock.GetUtcNow().UtcDateTime,
                Status = Status(outcome),
                ExitCode = (int)outcome.ToExitCode(),
                counters.Calls,
                counters.BilledCalls,
                counters.Retries,
                counters.Throttled,
                counters.RowsWritten,
                counters.UnitsDone,
                counters.UnitsFailed,
                counters.UnitsSkipped,
                counters.Problems,
                Cost = counters.BilledCalls * pricePerCall,
                Error = error is null ? null : scrubber.Scrub(error),
            },
            transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    private static string Status(RunOutcome outcome) => outcome switch
    {
        RunOutcome.Succeeded => "succeeded",
        RunOutcome.PartlyFailed => "partly_failed",
        _ => "failed",
    };

    /// <summary>
    /// Closes the runs of <paramref name="job"/> still marked 'running' whose process is gone (no lease held): a kill -9,
    /// an OOM kill, a lost node in CronJob mode. Live ones (another process running the same job) are left alone.
    /// </summary>
    public async Task<IReadOnlyList<long>> AbandonDeadRunsAsync(string job, long resumedBy, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var dead = new List<long>();
        foreach (var runId in await connection.QueryAsync<long>(new CommandDefinition(RunningOthers, new { Job = job, RunId = resumedBy }, cancellationToken: cancellationToken)))
        {
            var key = new { Class = LeaseClass, Run = LeaseKey(runId) };
            if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT pg_try_advisory_lock(@Class, @Run)", key, cancellationToken: cancellationToken)))
            {
                continue;
            }

            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@Class, @Run)", key, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                AbandonDead, new { RunId = runId, ResumedBy = resumedBy, Now = clock.GetUtcNow().UtcDateTime }, cancellationToken: cancellationToken));
            dead.Add(runId);
        }

        return dead;
    }

    internal static int LeaseKey(long runId) => unchecked((int)runId);

    /// <summary>
    /// The live sharing runs of <paramref name="jobs"/> that a process other than scheduler <paramref name="exceptInstance"/>
    /// started, runs with trigger <paramref name="exceptTrigger"/> left out: what a daemon replica may join.
    /// </summary>
    public async Task<IReadOnlyList<SharingRun>> SharingRunsAsync(IReadOnlyCollection<string> jobs, string exceptInstance, string exceptTrigger, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<SharingRun>(new CommandDefinition(
            SharingRunsElsewhere,
            new
            {
                Jobs = jobs.ToArray(),
                JobKeys = jobs.Select(j => (long)unchecked((uint)JobKey(j))).ToArray(),
                Trigger = exceptTrigger,
                Instance = exceptInstance,
                JobLockClass = (long)JobLockClass,
                LeaseClass = (long)LeaseClass,
            },
            cancellationToken: cancellationToken))];
    }

    /// <summary>
    /// The cron fire a recovery of <paramref name="job"/> stands in for: the run <paramref name="instance"/> left unfinished
    /// whose fire was due no later than <paramref name="dueBy"/> (Quartz's record of it, whole seconds); null if none.
    /// </summary>
    public async Task<DateTimeOffset?> OrphanedFireAsync(string job, string instance, DateTimeOffset dueBy, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var fire = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
            OrphanedFire, new { Job = job, Instance = instance, Before = dueBy.UtcDateTime.AddSeconds(1) }, cancellationToken: cancellationToken));
        return fire is { } f ? new DateTimeOffset(DateTime.SpecifyKind(f, DateTimeKind.Utc)) : null;
    }

    /// <summary>Closes the runs of the same fire that a dead node left 'running'; returns how many.</summary>
    public async Task<int> AbandonAsync(string job, DateTimeOffset fireTime, long recoveredBy, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            AbandonRuns,
            new { Job = job, FireTime = fireTime.UtcDateTime, RecoveredBy = recoveredBy, Now = clock.GetUtcNow().UtcDateTime },
            cancellationToken: cancellationToken));
    }

    public async Task RecordProblemAsync(Problem problem, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            InsertProblem,
            new
            {
                problem.RunId,
                OccurredAt = clock.GetUtcNow().UtcDateTime,
                problem.AccountId,
                problem.Stream,
                problem.Scope,
                problem.Kind,
                Message = scrubber.Scrub(problem.Message),
                problem.CallId,
            },
            cancellationToken: cancellationToken));
    }

    public async Task MarkAccountAsync(long runId, string accountId, AccountState state, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            MarkAccount,
            new
            {
                RunId = runId,
                AccountId = accountId,
                State = state switch
                {
                    AccountState.CookieExpired => "cookie_expired",
                    AccountState.NoPermission => "no_permission",
                    _ => "ok",
                },
                Now = clock.GetUtcNow().UtcDateTime,
            },
            cancellationToken: cancellationToken));
    }
}

/// <summary>The run holding a job's lock, as <c>etl.run</c> records it.</summary>
internal sealed record JobHolder(long RunId, string? Host, DateTime StartedAt, string Trigger);

/// <summary>Another run of the job holds its lock: this one ends before planning, without an upstream call.</summary>
internal sealed class JobHeldException(string job, JobHolder? holder) : Exception(Describe(job, holder))
{
    public string Job { get; } = job;

    private static string Describe(string job, JobHolder? holder) => holder is null
        ? $"{job} is already running in another process (its run is being recorded); this one exits without calling TikHub."
        : string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{job} is already running: run {holder.RunId} on host {holder.Host ?? "?"} since {holder.StartedAt:yyyy-MM-dd HH:mm:ss} UTC ({holder.Trigger}); this one exits without calling TikHub.");
}

/// <summary>A run in progress: its id, the job's lock and the advisory lock that tells other processes it is alive, held until disposed.</summary>
internal sealed class RunLease(NpgsqlConnection connection, long runId, string job, bool sharesUnits = false) : IAsyncDisposable
{
    public long RunId => runId;

    /// <summary>The run holds its job's lock in shared mode, beside other sharing runs of the job.</summary>
    public bool SharesUnits => sharesUnits;

    public async ValueTask DisposeAsync()
    {
        // The pool keeps the session open: the locks are let go of explicitly, or they would outlive the run.
        await UnlockAsync(connection, "SELECT pg_advisory_unlock(@Class, @Run)", new { Class = RunLedger.LeaseClass, Run = RunLedger.LeaseKey(runId) });
        await UnlockAsync(connection, UnlockJob(sharesUnits), new { Class = RunLedger.JobLockClass, Job = RunLedger.JobKey(job) });
        await connection.DisposeAsync();
    }

    internal static string UnlockJob(bool shared) =>
        shared ? "SELECT pg_advisory_unlock_shared(@Class, @Job)" : "SELECT pg_advisory_unlock(@Class, @Job)";

    internal static async Task UnlockAsync(NpgsqlConnection connection, string sql, object key)
    {
        try
        {
            await connection.ExecuteAsync(sql, key);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The database went away with the session, and the lock with it.
        }
    }
}
