using DouyinEtl.Configuration;
using DouyinEtl.Runs;
using DouyinEtl.Sync;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace DouyinEtl.Daemon;

/// <summary>
/// Brings the job store's schedule in line with configuration when a node starts, before its scheduler does: one
/// durable job and one cron trigger (Asia/Shanghai) per enabled job. A trigger whose cron is unchanged is left alone,
/// so its history survives restarts and a fire missed while the whole cluster was down is still caught up (misfire
/// policy: fire once now, then resume the schedule). Jobs set to <c>Enabled: false</c> are removed from the store.
/// A stored job this build does not know is left alone (during a rolling update it belongs to the newer replicas);
/// retire one for good with <c>Daemon:Jobs:&lt;job&gt;:Enabled=false</c>.
/// </summary>
internal sealed partial class DaemonSchedule(
    ISchedulerFactory schedulers,
    IEnumerable<ISyncJob> jobs,
    IOptions<DaemonOptions> options,
    ILogger<DaemonSchedule> log) : IHostedService
{
    /// <summary>Every registered job must have a schedule (or be disabled explicitly): a job merged without one is a configuration error, not a silent gap.</summary>
    public static IReadOnlyList<string> MissingSchedules(IEnumerable<ISyncJob> jobs, DaemonOptions options) =>
        [.. jobs.Where(j => !options.Jobs.ContainsKey(j.Name))
            .Select(j => $"Daemon:Jobs:{j.Name}:Cron is missing: every job needs a Quartz cron (Asia/Shanghai), e.g. Daemon__Jobs__{j.Name}__Cron=\"0 5 * * * ?\", or Daemon:Jobs:{j.Name}:Enabled=false.")];

    /// <summary>An enabled schedule must name a job of this build (a typo would otherwise schedule nothing); a disabled one may name a retired job.</summary>
    public static IReadOnlyList<string> UnknownSchedules(IEnumerable<ISyncJob> jobs, DaemonOptions options) =>
        [.. options.Jobs.Where(p => p.Value.Enabled && jobs.All(j => !string.Equals(j.Name, p.Key, StringComparison.OrdinalIgnoreCase)))
            .Select(p => $"Daemon:Jobs:{p.Key} names no job. Jobs: {string.Join(", ", jobs.Select(j => j.Name))} (to retire a job that is gone, set Daemon:Jobs:{p.Key}:Enabled=false).")];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var problems = MissingSchedules(jobs, options.Value).Concat(UnknownSchedules(jobs, options.Value)).ToList();
        if (problems.Count > 0)
        {
            throw new ConfigurationException("Configuration is not valid:\n  - " + string.Join("\n  - ", problems));
        }

        var scheduler = await schedulers.GetScheduler(cancellationToken);
        foreach (var job in jobs.Where(j => options.Value.Jobs[j.Name].Enabled))
        {
            await EnsureScheduledAsync(scheduler, job, options.Value.Jobs[job.Name].Cron!, cancellationToken);
        }

        foreach (var (name, _) in options.Value.Jobs.Where(p => !p.Value.Enabled))
        {
            if (await scheduler.DeleteJob(new JobKey(name, SyncJobAdapter.Group), cancellationToken))
            {
                LogRemoved(log, name);
            }
        }

        foreach (var stored in await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(SyncJobAdapter.Group), cancellationToken))
        {
            if (!options.Value.Jobs.ContainsKey(stored.Name))
            {
                LogUnknown(log, stored.Name);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task EnsureScheduledAsync(IScheduler scheduler, ISyncJob job, string cron, CancellationToken cancellationToken)
    {
        var jobKey = new JobKey(job.Name, SyncJobAdapter.Group);
        var triggerKey = new TriggerKey(job.Name, SyncJobAdapter.Group);
        var detail = JobBuilder.Create<SyncJobAdapter>()
            .WithIdentity(jobKey)
            .WithDescription(job.Description)
            .StoreDurably()
            .RequestRecovery() // a fire whose node dies mid-run is run again by another node, from the checkpoints
            .Build();
        await scheduler.AddJob(detail, AddJobOptions.Replacing, cancellationToken);

        if (await scheduler.GetTrigger(triggerKey, cancellationToken) is ICronTrigger existing
            && existing.CronExpressionString == cron
            && existing.TimeZone.Id == ShanghaiTime.Zone.Id
            && existing.MisfireInstruction == CronTriggerMisfireInstruction.FireAndProceed)
        {
            return;
        }

        var trigger = TriggerBuilder.Create()
            .WithIdentity(triggerKey)
            .ForJob(jobKey)
            .WithCronSchedule(cron, c => c.InTimeZone(ShanghaiTime.Zone).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
            .Build();
        await scheduler.ScheduleJob(trigger, ScheduleJobOptions.Replacing, cancellationToken);
        LogScheduled(log, job.Name, cron);
    }

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Scheduled {Job} at cron '{Cron}' (Asia/Shanghai)")]
    private static partial void LogScheduled(ILogger logger, string job, string cron);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "Removed {Job} from the schedule (Daemon:Jobs:{Job}:Enabled=false)")]
    private static partial void LogRemoved(ILogger logger, string job);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Warning, Message = "The schedule holds job {Job}, which this build does not know: left for the replicas that do (retire it with Daemon:Jobs:{Job}:Enabled=false)")]
    private static partial void LogUnknown(ILogger logger, string job);
}
