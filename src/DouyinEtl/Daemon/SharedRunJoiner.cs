using DouyinEtl.Accounts;
using DouyinEtl.Configuration;
using DouyinEtl.Runs;
using DouyinEtl.Sync;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace DouyinEtl.Daemon;

/// <summary>
/// Daemon replicas in sharing mode (<c>Sync:ShareUnits</c>) work each other's runs: Quartz fires a job on one node
/// only, so every node looks every <c>Daemon:JoinSharedRunsEvery</c> for a live sharing run of one of its scheduled
/// jobs that another process started, and runs the same job beside it in sharing mode. Both plan the same due units
/// and claim each before paying for it, so a long first item-analytics is worked by every replica at once.
/// </summary>
internal sealed partial class SharedRunJoiner(
    JobRunner runner,
    RunLedger ledger,
    ISchedulerFactory schedulers,
    IOptions<DaemonOptions> daemonOptions,
    IOptions<SyncOptions> syncOptions,
    TimeProvider clock,
    ILogger<SharedRunJoiner> log) : BackgroundService
{
    /// <summary>The trigger of a run that joined another: never joined itself, so two replicas never join each other's joins.</summary>
    public const string Trigger = "daemon-join";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = daemonOptions.Value.JoinSharedRunsEvery;
        if (!syncOptions.Value.ShareUnits || every <= TimeSpan.Zero)
        {
            return;
        }

        var scheduled = daemonOptions.Value.Jobs.Where(j => j.Value.Enabled).Select(j => j.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var jobs = runner.Jobs.Select(j => j.Name).Where(scheduled.Contains).ToArray();
        if (jobs.Length == 0)
        {
            return;
        }

        string? instance = null;
        var joining = new Dictionary<string, Task>(StringComparer.Ordinal);
        var joined = new HashSet<long>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(every, clock, stoppingToken);
                instance ??= (await schedulers.GetScheduler(stoppingToken)).SchedulerInstanceId;
                foreach (var finished in joining.Where(j => j.Value.IsCompleted).Select(j => j.Key).ToList())
                {
                    joining.Remove(finished);
                }

                if (await SharingRunsElsewhereAsync(jobs, instance, stoppingToken) is not { } sharing)
                {
                    continue;
                }

                joined.IntersectWith(sharing.Select(r => r.RunId)); // forget runs that are over
                foreach (var run in sharing)
                {
                    // One join per job at a time, and one per run: a join plans every due unit, so it is through when they are.
                    if (!joining.ContainsKey(run.Job) && joined.Add(run.RunId))
                    {
                        LogJoining(log, run.Job, run.RunId, run.StartedBy, run.StartedAt);
                        joining[run.Job] = JoinAsync(run.Job, stoppingToken);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // The host waits for the joins in flight as it waits for a fired run: their grace, then recording them.
            await Task.WhenAll(joining.Values);
        }
    }

    /// <returns>Null when the database could not be asked.</returns>
    private async Task<IReadOnlyList<SharingRun>?> SharingRunsElsewhereAsync(string[] jobs, string instance, CancellationToken cancellationToken)
    {
        try
        {
            return await ledger.SharingRunsAsync(jobs, instance, Trigger, cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException || DatabaseErrors.IsOutage(ex))
        {
            // A database outage: the fired runs meet it too and say so; the next look tries again.
            LogLookFailed(log, ex.Message);
            return null;
        }
    }

    private async Task JoinAsync(string job, CancellationToken stopping)
    {
        using var grace = new ShutdownGrace(syncOptions.Value.ShutdownGrace, stopping);
        try
        {
            var summary = await runner.RunAsync(new RunRequest(job, [], RunPeriod.Default, Trigger) { ShareUnits = true }, grace.Token, stopping);
            LogJoined(log, job, summary.RunId, summary.Outcome, summary.Counters.UnitsDone, summary.Counters.UnitsSkipped);
        }
        catch (Exception ex) when (ex is JobHeldException or AccountSourceException or ConfigurationException)
        {
            // The run joined ended and a run that does not share took the job, or the accounts cannot be used (the
            // fired runs record that): nothing to join.
            LogNotJoined(log, job, ex.Message);
        }
        catch (Exception ex)
        {
            LogJoinFailed(log, ex, job);
        }
    }

    [LoggerMessage(EventId = 7020, Level = LogLevel.Information, Message = "{Job}: joining sharing run {RunId} of {StartedBy} (started {StartedAt:o} UTC) to work its units beside it")]
    private static partial void LogJoining(ILogger logger, string job, long runId, string startedBy, DateTime startedAt);

    [LoggerMessage(EventId = 7021, Level = LogLevel.Information, Message = "{Job}: joined as run {RunId}, {Outcome}: {Done} unit(s) done here, {Skipped} done elsewhere or skipped")]
    private static partial void LogJoined(ILogger logger, string job, long runId, RunOutcome outcome, long done, long skipped);

    [LoggerMessage(EventId = 7022, Level = LogLevel.Information, Message = "{Job}: did not join — {Reason}")]
    private static partial void LogNotJoined(ILogger logger, string job, string reason);

    [LoggerMessage(EventId = 7023, Level = LogLevel.Error, Message = "{Job}: the run that joined a sharing run failed")]
    private static partial void LogJoinFailed(ILogger logger, Exception exception, string job);

    [LoggerMessage(EventId = 7024, Level = LogLevel.Warning, Message = "Could not look for sharing runs to join: {Error}; looking again later")]
    private static partial void LogLookFailed(ILogger logger, string error);
}
