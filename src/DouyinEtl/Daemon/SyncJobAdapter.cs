using System.Globalization;
using DouyinEtl.Accounts;
using DouyinEtl.Configuration;
using DouyinEtl.Runs;
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

        var fire = new ScheduledFire(await FireTimeAsync(context, job), context.Scheduler.SchedulerInstanceId);
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
        catch (JobHeldException ex)
        {
            // A CronJob or a manual `run` of the same job holds it: this fire is skipped (not a failure), the next one comes.
            LogHeld(log, job, ex.Message);
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

    /// <summary>
    /// The cron fire this execution serves. For a recovery, the original fire's as its run recorded it, so both runs
    /// name the same fire: Quartz's own record of it is only to the second, and for a fire that ran late it names the
    /// catch-up time instead of the cron time.
    /// </summary>
    private async Task<DateTimeOffset> FireTimeAsync(IJobExecutionContext context, string job)
    {
        if (context.Recovering && RecordedFireTime(context.MergedJobDataMap) is { } recorded)
        {
            return RecoveredNode(context.Trigger.Key.Name) is { } node
                && await ledger.OrphanedFireAsync(job, node, recorded, CancellationToken.None) is { } orphaned
                ? orphaned
                : recorded;
        }

        return context.ScheduledFireTimeUtc ?? context.FireTimeUtc;
    }

    private static DateTimeOffset? RecordedFireTime(JobDataMap data)
    {
        if (!data.TryGetValue(SchedulerConstants.FailedJobOriginalTriggerScheduledFireTime, out var value) || Convert.ToString(value, CultureInfo.InvariantCulture) is not { } text)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var scheduled))
        {
            return scheduled.ToUniversalTime();
        }

        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var milliseconds) ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds) : null;
    }

    /// <summary>The scheduler instance whose fire a recovery trigger replays: Quartz names it <c>recover_&lt;instance&gt;_&lt;n&gt;</c>.</summary>
    internal static string? RecoveredNode(string recoveryTriggerName)
    {
        const string Prefix = "recover_";
        var last = recoveryTriggerName.LastIndexOf('_');
        return recoveryTriggerName.StartsWith(Prefix, StringComparison.Ordinal) && last > Prefix.Length ? recoveryTriggerName[Prefix.Length..last] : null;
    }
    [LoggerMessage(EventId = 7007, Level = LogLevel.Error, Message = "{Job}: the accounts cannot be used, the run is recorded as failed: {Reason}")]
    private static partial void LogAccountsUnusable(ILogger logger, string job, string reason);

    [LoggerMessage(EventId = 7008, Level = LogLevel.Warning, Message = "{Job}: fire skipped: {Reason}")]
    private static partial void LogNothingToRun(ILogger logger, string job, string reason);

    [LoggerMessage(EventId = 7009, Level = LogLevel.Warning, Message = "{Job}: fire skipped — {Holder}")]
    private static partial void LogHeld(ILogger logger, string job, string holder);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Warning, Message = "Fired job {Job} is not known to this build; skipped")]
    private static partial void LogUnknownJob(ILogger logger, string job);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "{Job}: recovered the fire of {FireTime:o} as run {RunId} after its node died ({Abandoned} abandoned run(s) closed)")]
    private static partial void LogRecovered(ILogger logger, string job, DateTimeOffset fireTime, long runId, int abandoned);
}
