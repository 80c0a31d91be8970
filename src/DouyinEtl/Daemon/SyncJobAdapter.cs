using System.Globalization;
using DouyinEtl.Accounts;
using DouyinEtl.Configuration;
using DouyinEtl.Sync;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace DouyinEtl.Daemon;

/// <summary>
/// The Quartz job behind every <see cref="ISyncJob"/>: one job detail per sync job (keyed by its name), so
/// <see cref="DisallowConcurrentExecutionAttribute"/> keeps each sync job to one run at a time across the whole
/// cluster while different jobs run side by side. A shutdown asks the run to stop (no new units), gives the units in
/// flight <c>Sync:ShutdownGrace</c> to finish, and hands an unfinished fire back to the cluster for recovery.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class SyncJobAdapter(JobRunner runner, RunLedger ledger, IOptions<SyncOptions> syncOptions, ILogger<SyncJobAdapter> log) : IJob
{
    public const string Group = "sync";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var job = context.JobDetail.Key.Name;
        if (runner.Jobs.All(j => j.Name != job))
        {
            // A job of a newer build, fired on an older replica during a rolling update: leave it to the others.
            LogUnknownJob(log, job);
            return;
        }

        var fire = new ScheduledFire(FireTime(context), context.Scheduler.SchedulerInstanceId);
        var stopping = cancellationToken;
        using var grace = new ShutdownGrace(syncOptions.Value.ShutdownGrace, stopping);

        var request = new RunRequest(job, [], RunPeriod.Default, context.Recovering ? "daemon-recovery" : "daemon") { Fire = fire };
        RunSummary summary;
        try
        {
            summary = await runner.RunAsync(request, grace.Token, stopping);
        }
        catch (AccountSourceException ex)
        {
            // Recorded as a failed run (and notified) by the runner; the schedule goes on, and the next fire reads the accounts again.
            LogAccountsUnusable(log, job, ex.Message);
            return;
        }
        catch (ConfigurationException ex)
        {
            // No enabled account (all disabled or removed, or none added yet): nothing to run until one is added.
            LogNothingToRun(log, job, ex.Message);
            return;
        }
        if (context.Recovering)
        {
            var abandoned = await ledger.AbandonAsync(job, fire.FireTime, summary.RunId, CancellationToken.None);
            LogRecovered(log, job, fire.FireTime, summary.RunId, abandoned);
        }

        if (summary.Interrupted && stopping.IsCancellationRequested)
        {
            // Quartz stores a recovery trigger for this fire (RecoverFiringsCancelledByShutdown): another node, or
            // this one after a restart, resumes from the checkpoints right away instead of at the next cron time.
            throw new OperationCanceledException($"{job} stopped by shutdown; handed back for recovery", stopping);
        }

        // A failed run is not thrown to Quartz: it is recorded in etl.run, and the trigger must keep firing (Quartz
        // would park a trigger whose fires keep failing).
    }

    /// <summary>The cron fire this execution serves: for a recovery, the original fire's, so both runs name the same fire.</summary>
    private static DateTimeOffset FireTime(IJobExecutionContext context)
    {
        if (context.Recovering
            && context.MergedJobDataMap.TryGetValue(SchedulerConstants.FailedJobOriginalTriggerScheduledFireTime, out var value)
            && Convert.ToString(value, CultureInfo.InvariantCulture) is { } text)
        {
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var scheduled))
            {
                return scheduled.ToUniversalTime();
            }

            if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var milliseconds))
            {
                return DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
            }
        }

        return context.ScheduledFireTimeUtc ?? context.FireTimeUtc;
    }

    [LoggerMessage(EventId = 7007, Level = LogLevel.Error, Message = "{Job}: the accounts cannot be used, the run is recorded as failed: {Reason}")]
    private static partial void LogAccountsUnusable(ILogger logger, string job, string reason);

    [LoggerMessage(EventId = 7008, Level = LogLevel.Warning, Message = "{Job}: fire skipped: {Reason}")]
    private static partial void LogNothingToRun(ILogger logger, string job, string reason);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Warning, Message = "Fired job {Job} is not known to this build; skipped")]
    private static partial void LogUnknownJob(ILogger logger, string job);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "{Job}: recovered the fire of {FireTime:o} as run {RunId} after its node died ({Abandoned} abandoned run(s) closed)")]
    private static partial void LogRecovered(ILogger logger, string job, DateTimeOffset fireTime, long runId, int abandoned);
}
