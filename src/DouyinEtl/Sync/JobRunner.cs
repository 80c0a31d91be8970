using System.Diagnostics;
using DouyinEtl.Accounts;
using DouyinEtl.Configuration;
using DouyinEtl.Notifications;
using DouyinEtl.Observability;
using DouyinEtl.Upstream;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DouyinEtl.Sync;

internal sealed record RunRequest(string Job, IReadOnlyCollection<string> AccountIds, RunPeriod Period, string Trigger)
{
    /// <summary>Set by the daemon: the cron fire this run executes.</summary>
    public ScheduledFire? Fire { get; init; }
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
    bool BudgetExhausted = false);

/// <summary>Runs one job once: records the run, gives the job its context, and turns what happened into an outcome.</summary>
internal sealed partial class JobRunner(
    IEnumerable<ISyncJob> jobs,
    RunLedger ledger,
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
        var runId = await ledger.StartAsync(job.Name, request.Trigger, selected, request.Period, request.Fire, cancellationToken);
        using var scope = log.BeginScope(new LogScope(new("RunId", runId), new("Job", job.Name)));
        await using var lease = await ledger.LeaseAsync(runId, cancellationToken);
        LogStarted(log, job.Name, runId, selected.Count);
        foreach (var dead in await ledger.AbandonDeadRunsAsync(job.Name, runId, cancellationToken))
        {
            LogAbandoned(log, job.Name, dead);
        }

        var run = new RunContext(runId, job.Name, clock.GetUtcNow(), selected, request.Period, syncOptions.Value.MaxCallsPerRun, ledger, log)
        {
            Stopping = stopping,
            DatabaseRetryFor = syncOptions.Value.DatabaseRetryFor,
        };
        var stopwatch = Stopwatch.StartNew();
        using var progress = new CancellationTokenSource();
        var reporter = ReportProgressAsync(run, progress.Token);
        RunOutcome outcome;
        string? error = null;
        try
        {
            await job.RunAsync(run, cancellationToken);
            outcome = Evaluate(run);
            if (run.Interrupted)
            {
                error = "stopped early (shutdown); finished units are checkpointed, the next run resumes";
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = RunOutcome.Failed;
            error = "cancelled (shutdown); finished units are checkpointed, the next run resumes";
        }
        catch (Exception ex)
        {
            outcome = RunOutcome.Failed;
            error = ex.Message;
            LogFailed(log, ex, job.Name);
        }

        stopwatch.Stop();
        await progress.CancelAsync();
        var reported = await reporter;
        foreach (var accountId in run.AccountsThatWorked)
        {
            await ledger.MarkAccountAsync(runId, accountId, AccountState.Ok, CancellationToken.None);
        }

        var counters = run.Counters.Snapshot();
        await ledger.FinishAsync(runId, outcome, counters, tikHubOptions.Value.PricePerCall, error, CancellationToken.None);
        metrics.Progress(job.Name, reported, counters);
        metrics.RunFinished(job.Name, outcome, stopwatch.Elapsed);
        LogFinished(log, job.Name, outcome, stopwatch.Elapsed.TotalSeconds, counters.Calls, counters.BilledCalls, counters.RowsWritten, counters.UnitsFailed, counters.Problems);
        using (var notifying = new CancellationTokenSource(NotifyFor))
        {
            await notifier.AfterRunAsync(
                new FinishedRun(runId, job.Name, outcome, counters.UnitsFailed, run.BudgetExhausted, counters.Calls, error, Jobs.Contains(job)), enabled, notifying.Token);
        }

        var interrupted = run.Interrupted || cancellationToken.IsCancellationRequested;
        return new RunSummary(runId, job.Name, outcome, counters, stopwatch.Elapsed, run.UnusableAccounts, error, interrupted, run.BudgetExhausted);
    }

    /// <summary>
    /// The accounts could not be read (a cookie that does not decrypt, an id in both sources): recorded as a failed run
    /// with that one line, so the daemon's status, metrics and notifications show it, and not only its log.
    /// </summary>
    private async Task RecordRefusedAsync(ISyncJob job, RunRequest request, string error, CancellationToken cancellationToken)
    {
        var runId = await ledger.StartAsync(job.Name, request.Trigger, [], request.Period, request.Fire, cancellationToken);
        await ledger.FinishAsync(runId, RunOutcome.Failed, new RunCounters().Snapshot(), 0m, error, CancellationToken.None);
        metrics.RunFinished(job.Name, RunOutcome.Failed, TimeSpan.Zero);
        using var notifying = new CancellationTokenSource(NotifyFor);
        await notifier.AfterRunAsync(new FinishedRun(runId, job.Name, RunOutcome.Failed, 0, false, 0, error, Jobs.Contains(job)), [], notifying.Token);
    }

    /// <summary>Nothing went wrong: succeeded. Something went wrong but something also got done (or the budget ran out, or a stop came): partly. Otherwise failed.</summary>
    private static RunOutcome Evaluate(RunContext run)
    {
        var counters = run.Counters.Snapshot();
        var troubled = counters.UnitsFailed > 0 || run.UnusableAccounts.Count > 0 || run.BudgetExhausted || run.Interrupted;
        if (!troubled)
        {
            return RunOutcome.Succeeded;
        }

        return counters.UnitsDone > 0 || run.BudgetExhausted || run.Interrupted ? RunOutcome.PartlyFailed : RunOutcome.Failed;
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

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "{Job}: run {DeadRunId} was left 'running' by a process that died; closed as abandoned (this run resumes from its checkpoints)")]
    private static partial void LogAbandoned(ILogger logger, string job, long deadRunId);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "{Job} in progress: {UnitsDone} units done, {UnitsFailed} failed, {UnitsSkipped} skipped, {Calls} calls, {Rows} rows written")]
    private static partial void LogProgress(ILogger logger, string job, long unitsDone, long unitsFailed, long unitsSkipped, long calls, long rows);
}
