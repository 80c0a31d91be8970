using System.Diagnostics;
using DouyinEtl.Accounts;
using DouyinEtl.Configuration;
using DouyinEtl.Notifications;
using DouyinEtl.Observability;
using DouyinEtl.Runs;
using DouyinEtl.Upstream;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DouyinEtl.Sync;

internal sealed record RunRequest(string Job, IReadOnlyCollection<string> AccountIds, RunPeriod Period, string Trigger)
{
    /// <summary>Set by the daemon: the cron fire this run executes.</summary>
    public ScheduledFire? Fire { get; init; }

    /// <summary><c>run --share</c>: share the job's units with other sharing processes, whatever <c>Sync:ShareUnits</c> says.</summary>
    public bool ShareUnits { get; init; }
}

internal sealed record RunSummary(
    long RunId,
    string Job,
    RunOutcome Outcome,
    RunCountersSnapshot Counters,
    TimeSpan Duration,
    IReadOnlyDictionary<string, AccountState> UnusableAccounts,
    string? Error,
    bool Interrupted = false,
    bool BudgetExhausted = false)
{
    /// <summary>Accounts whose data landed with something missing that the next run will not make up for, with what (see <see cref="RunContext.RecordIncompleteAsync"/>).</summary>
    public IReadOnlyDictionary<string, string> IncompleteAccounts { get; init; } = new Dictionary<string, string>();
}

/// <summary>Runs one job once: records the run, gives the job its context, and turns what happened into an outcome.</summary>
internal sealed partial class JobRunner(
    IEnumerable<ISyncJob> jobs,
    RunLedger ledger,
    RawLanding landing,
    NpgsqlDataSource dataSource,
    AccountRegistry accounts,
    IOptions<SyncOptions> syncOptions,
    IOptions<TikHubOptions> tikHubOptions,
    EtlMetrics metrics,
    Notifier notifier,
    TimeProvider clock,
    ILogger<JobRunner> log)
{
    /// <summary>How long a finished run may spend recording and sending its notifications.</summary>
    private static readonly TimeSpan NotifyFor = TimeSpan.FromMinutes(2);

    public IReadOnlyList<ISyncJob> Jobs { get; } = [.. jobs];

    public ISyncJob Find(string name) =>
        Jobs.FirstOrDefault(j => string.Equals(j.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ConfigurationException($"Unknown job '{name}'. Jobs: {string.Join(", ", Jobs.Select(j => j.Name))}.");

    /// <param name="request">What to run.</param>
    /// <param name="cancellationToken">Hard stop: units in flight are abandoned (their finished pages stay checkpointed).</param>
    /// <param name="stopping">Soft stop: no new unit starts; units in flight finish unless <paramref name="cancellationToken"/> fires.</param>
    public Task<RunSummary> RunAsync(RunRequest request, CancellationToken cancellationToken, CancellationToken stopping = default) =>
        RunAsync(Find(request.Job), request, cancellationToken, stopping);

    /// <summary>Runs <paramref name="job"/>, registered or not (<c>accounts check</c> runs the diagnosis this way).</summary>
    public async Task<RunSummary> RunAsync(ISyncJob job, RunRequest request, CancellationToken cancellationToken, CancellationToken stopping = default)
    {
        // Read at every run, not once per process: an account added or a cookie replaced is used by the next run.
        IReadOnlyList<Account> enabled;
        try
        {
            enabled = await accounts.LoadAsync(cancellationToken);
        }
        catch (AccountSourceException ex)
        {
            await RecordRefusedAsync(job, request, ex.Message, cancellationToken);
            throw;
        }

        var selected = AccountRegistry.Select(enabled, request.AccountIds);
        // Only a registered job shares: `accounts check` runs the diagnosis on its own.
        var shares = (request.ShareUnits || syncOptions.Value.ShareUnits) && Jobs.Contains(job);
        await using var lease = await ledger.StartAsync(job.Name, request.Trigger, selected, request.Period, request.Fire, shares, cancellationToken);
        var runId = lease.RunId;
        using var scope = log.BeginScope(new LogScope(new("RunId", runId), new("Job", job.Name)));
        LogStarted(log, job.Name, runId, selected.Count);
        await CloseDeadRunsAsync(job.Name, runId, cancellationToken);

        // Opened before the job plans: a unit another process finishes from now on is one this run may have planned.
        await using var claims = shares ? await UnitClaims.OpenAsync(dataSource, job.Name, runId, cancellationToken) : null;
        using var run = new RunContext(runId, job.Name, clock.GetUtcNow(), selected, request.Period, syncOptions.Value.MaxCallsPerRun, ledger, log)
        {
            Claims = claims,
            Stopping = stopping,
            DatabaseRetryFor = syncOptions.Value.DatabaseRetryFor,
            Breaker = new UpstreamBreaker(syncOptions.Value.BreakerConsecutiveFailures, syncOptions.Value.BreakerWindow, tikHubOptions.Value.BaseUrl, clock),
        };
        var stopwatch = Stopwatch.StartNew();
        using var progress = new CancellationTokenSource();
        var reporter = ReportProgressAsync(run, progress.Token);
        RunOutcome outcome;
        string? error = null;
        var failedAsAWhole = false;
        try
        {
            await CheckCanLandAsync(runId, cancellationToken);
            await RunUnitsAsync(run, await job.PlanAsync(run.Accounts, run.Period, cancellationToken), cancellationToken);
            if (shares)
            {
                await run.RunDeferredAsync(syncOptions.Value.Concurrency, syncOptions.Value.ClaimPollEvery, cancellationToken);
                if (run.UnitsDoneElsewhere > 0)
                {
                    LogDoneElsewhere(log, job.Name, run.UnitsDoneElsewhere);
                }

                // A sharing process killed while this run went on left its run 'running'; this run finished its units.
                await CloseDeadRunsAsync(job.Name, runId, cancellationToken);
            }

            outcome = Evaluate(run);
            if (run.Interrupted)
            {
                error = "stopped early (shutdown); finished units are checkpointed, the next run resumes";
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = RunOutcome.Failed;
            failedAsAWhole = true;
            error = "cancelled (shutdown); finished units are checkpointed, the next run resumes";
        }
        catch (Exception ex) when (StopReason(ex) is { } reason)
        {
            // Stopped on purpose, with a message that says what to do: one line, no stack trace.
            outcome = RunOutcome.Failed;
            failedAsAWhole = true;
            error = reason;
            LogStopped(log, job.Name, reason);
        }
        catch (Exception ex)
        {
            outcome = RunOutcome.Failed;
            failedAsAWhole = true;
            error = ex.Message;
            LogFailed(log, ex, job.Name);
        }

        stopwatch.Stop();
        await progress.CancelAsync();
        var reported = await reporter;
        var counters = run.Counters.Snapshot();
        var perAccount = selected.ToDictionary(a => a.Id, a => failedAsAWhole ? RunOutcome.Failed : run.OutcomeFor(a.Id), StringComparer.Ordinal);
        try
        {
            foreach (var accountId in run.AccountsThatWorked)
            {
                await ledger.MarkAccountAsync(runId, accountId, AccountState.Ok, CancellationToken.None);
            }

            await ledger.FinishAsync(runId, outcome, counters, tikHubOptions.Value.PricePerCall, error, perAccount, CancellationToken.None);
        }
        catch (Exception ex) when (failedAsAWhole && (DatabaseErrors.Refusal(ex) is not null || DatabaseErrors.IsOutage(ex)))
        {
            // The database that stopped the run will not record its end either; the next run closes it as abandoned.
            LogNotRecorded(log, job.Name, runId, ex.Message);
        }

        metrics.Progress(job.Name, reported, counters);
        metrics.RunFinished(job.Name, outcome, stopwatch.Elapsed);
        LogFinished(log, job.Name, outcome, stopwatch.Elapsed.TotalSeconds, counters.Calls, counters.BilledCalls, counters.RowsWritten, counters.UnitsFailed, counters.Problems);
        using (var notifying = new CancellationTokenSource(NotifyFor))
        {
            await notifier.AfterRunAsync(
                new FinishedRun(runId, job.Name, outcome, counters.UnitsFailed, run.BudgetExhausted, counters.Calls, error, Jobs.Contains(job)), enabled, notifying.Token);
        }

        var interrupted = run.Interrupted || cancellationToken.IsCancellationRequested;
        return new RunSummary(runId, job.Name, outcome, counters, stopwatch.Elapsed, run.UnusableAccounts, error, interrupted, run.BudgetExhausted)
        {
            IncompleteAccounts = run.IncompleteAccounts,
        };
    }

    /// <summary>
    /// The one unit loop: the plan's units in its order, <c>Sync:Concurrency</c> at a time, each through
    /// <see cref="RunContext.RunUnitAsync"/>, with a progress line every tenth of them; then the plan's after-run step.
    /// </summary>
    private async Task RunUnitsAsync(RunContext run, JobPlan plan, CancellationToken cancellationToken)
    {
        LogPlanned(log, run.Job, plan.Count, plan.UnitName, run.Accounts.Count);
        var step = Math.Max(1, plan.Count / 10);
        var finished = 0;
        await Parallel.ForEachAsync(
            plan.Units,
            new ParallelOptions { MaxDegreeOfParallelism = syncOptions.Value.Concurrency, CancellationToken = cancellationToken },
            async (unit, token) =>
            {
                await run.RunUnitAsync(unit.Account, plan.Stream, unit.Scope, ct => unit.Work(run, ct), token);
                if (Interlocked.Increment(ref finished) is var done && (done % step == 0 || done == plan.Count))
                {
                    LogUnitsThrough(log, run.Job, done, plan.Count);
                }
            });

        if (plan.AfterRunAsync is { } afterRun)
        {
            await afterRun(run, cancellationToken);
        }
    }

    /// <summary>Runs of the job left 'running' by processes that died are closed as abandoned.</summary>
    private async Task CloseDeadRunsAsync(string job, long runId, CancellationToken cancellationToken)
    {
        foreach (var dead in await ledger.AbandonDeadRunsAsync(job, runId, cancellationToken))
        {
            LogAbandoned(log, job, dead);
        }
    }

    /// <summary>
    /// The accounts could not be read (a cookie that does not decrypt, an id in both sources): recorded as a failed run
    /// with that one line, so the daemon's status, metrics and notifications show it, and not only its log.
    /// </summary>
    private async Task RecordRefusedAsync(ISyncJob job, RunRequest request, string error, CancellationToken cancellationToken)
    {
        await using var lease = await ledger.StartAsync(job.Name, request.Trigger, [], request.Period, request.Fire, cancellationToken);
        var runId = lease.RunId;
        await ledger.FinishAsync(runId, RunOutcome.Failed, new RunCounters().Snapshot(), 0m, error, CancellationToken.None);
        metrics.RunFinished(job.Name, RunOutcome.Failed, TimeSpan.Zero);
        using var notifying = new CancellationTokenSource(NotifyFor);
        await notifier.AfterRunAsync(new FinishedRun(runId, job.Name, RunOutcome.Failed, 0, false, 0, error, Jobs.Contains(job)), [], notifying.Token);
    }

    /// <summary>Why the run stopped, in one line, when it stopped for a reason the operator must fix (a refused key, a refusing database, TikHub unreachable).</summary>
    private static string? StopReason(Exception exception) => exception switch
    {
        DatabaseRefusedException or UpstreamAccessDeniedException or UpstreamUnreachableException => exception.Message,
        _ when DatabaseErrors.Refusal(exception) is { } refusal => DatabaseErrors.Describe(refusal),
        _ => null,
    };

    /// <summary>
    /// A database that refuses to land calls is found before the first call is paid for (a revoked grant, a read-only
    /// standby after a failover); what it refuses later stops the run at the unit that meets it.
    /// </summary>
    private async Task CheckCanLandAsync(long runId, CancellationToken cancellationToken)
    {
        try
        {
            await landing.CheckCanLandAsync(runId, cancellationToken);
        }
        catch (Exception ex) when (DatabaseErrors.Refusal(ex) is { } refusal)
        {
            throw new DatabaseRefusedException(DatabaseErrors.Describe(refusal) + " No upstream call was made.", ex);
        }
    }

    /// <summary>
    /// Nothing went wrong: succeeded. Units failed and nothing got done: failed. Anything else that went wrong — accounts
    /// whose cookie expired or lacks permission (even when they were all there was to do: the pipeline itself works, the
    /// accounts need their owners), incomplete answers, a spent budget, a stop — is partly failed.
    /// </summary>
    private static RunOutcome Evaluate(RunContext run)
    {
        var counters = run.Counters.Snapshot();
        var troubled = counters.UnitsFailed > 0 || run.UnusableAccounts.Count > 0 || run.IncompleteAccounts.Count > 0 || run.BudgetExhausted || run.Interrupted;
        if (!troubled)
        {
            return RunOutcome.Succeeded;
        }

        var nothingDone = counters.UnitsFailed > 0 && counters.UnitsDone == 0 && !run.BudgetExhausted && !run.Interrupted;
        return nothingDone ? RunOutcome.Failed : RunOutcome.PartlyFailed;
    }

    /// <summary>Long runs (a first sync of years of history) say how far they got every <c>Sync:ProgressEvery</c>, in the log and the metrics.</summary>
    private async Task<RunCountersSnapshot> ReportProgressAsync(RunContext run, CancellationToken cancellationToken)
    {
        var reported = run.Counters.Snapshot();
        using var timer = new PeriodicTimer(syncOptions.Value.ProgressEvery, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var now = run.Counters.Snapshot();
                metrics.Progress(run.Job, reported, now);
                reported = now;
                LogProgress(log, run.Job, now.UnitsDone, now.UnitsFailed, now.UnitsSkipped, now.Calls, now.RowsWritten);
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }

        return reported;
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Run {RunId} of {Job} started for {Accounts} account(s)")]
    private static partial void LogStarted(ILogger logger, string job, long runId, int accounts);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "{Job} {Outcome} in {Seconds:0.0} s: {Calls} calls ({Billed} billed), {Rows} rows written, {Failed} units failed, {Problems} problems")]
    private static partial void LogFinished(ILogger logger, string job, RunOutcome outcome, double seconds, long calls, long billed, long rows, long failed, long problems);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Error, Message = "{Job} failed as a whole")]
    private static partial void LogFailed(ILogger logger, Exception exception, string job);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Error, Message = "{Job} stopped: {Reason}")]
    private static partial void LogStopped(ILogger logger, string job, string reason);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "{Job}: the end of run {RunId} could not be recorded ({Reason}); the next run of the job closes it as abandoned")]
    private static partial void LogNotRecorded(ILogger logger, string job, long runId, string reason);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Information, Message = "{Job}: {Units} planned unit(s) were done by other processes sharing the job; skipped, not paid again")]
    private static partial void LogDoneElsewhere(ILogger logger, string job, long units);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "{Job}: run {DeadRunId} was left 'running' by a process that died; closed as abandoned (this run resumes from its checkpoints)")]
    private static partial void LogAbandoned(ILogger logger, string job, long deadRunId);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Information, Message = "{Job}: {Units} unit(s) due ({UnitName}) for {Accounts} account(s)")]
    private static partial void LogPlanned(ILogger logger, string job, int units, string unitName, int accounts);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "{Job}: {Done} of {Units} unit(s) through")]
    private static partial void LogUnitsThrough(ILogger logger, string job, int done, int units);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "{Job} in progress: {UnitsDone} units done, {UnitsFailed} failed, {UnitsSkipped} skipped, {Calls} calls, {Rows} rows written")]
    private static partial void LogProgress(ILogger logger, string job, long unitsDone, long unitsFailed, long unitsSkipped, long calls, long rows);
}
