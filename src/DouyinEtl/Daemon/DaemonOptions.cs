using Microsoft.Extensions.Options;
using Quartz;

namespace DouyinEtl.Daemon;

/// <summary>The daemon's settings (section <c>Daemon</c>): where its health and metrics answer, the cluster, and a cron per job.</summary>
internal sealed class DaemonOptions
{
    public const string Section = "Daemon";

    /// <summary>Where <c>/health/live</c>, <c>/health/ready</c> and <c>/metrics</c> listen (semicolon-separated URLs).</summary>
    public string Urls { get; set; } = "http://0.0.0.0:9464";

    /// <summary>This node's id in the cluster; empty: generated from the host name (unique per pod).</summary>
    public string? InstanceId { get; set; }

    /// <summary>How often a node records in the database that it is alive.</summary>
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long past a missed check-in the other nodes wait before recovering a node's jobs: failover takes about interval + threshold.</summary>
    public TimeSpan CheckinMisfireThreshold { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How late a fire may start before it counts as missed (and the misfire policy, fire once now, applies).</summary>
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an idle scheduler waits before looking for due triggers again.</summary>
    public TimeSpan IdleWaitTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// With <c>Sync:ShareUnits</c>, how often a node looks for a sharing run of one of its jobs that another process
    /// started (a fire on another replica, a <c>run --share</c>) and joins it; 0 turns joining off.
    /// </summary>
    public TimeSpan JoinSharedRunsEvery { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Jobs by name (as in <c>douyin-etl run &lt;name&gt;</c>), each with its cron. Every registered job needs an entry.</summary>
    public Dictionary<string, JobSchedule> Jobs { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

internal sealed class JobSchedule
{
    /// <summary>Quartz cron (seconds minutes hours day-of-month month day-of-week), in Asia/Shanghai time: "0 5 * * * ?" is five past every hour.</summary>
    public string? Cron { get; set; }

    public bool Enabled { get; set; } = true;
}

internal sealed class DaemonOptionsValidator : IValidateOptions<DaemonOptions>
{
    public ValidateOptionsResult Validate(string? name, DaemonOptions options)
    {
        var failures = new List<string>();
        foreach (var url in options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url.Replace("*", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
            {
                failures.Add($"Daemon:Urls '{url}' is not an http URL to listen on (e.g. http://0.0.0.0:9464).");
            }
        }

        if (options.CheckinInterval < TimeSpan.FromMilliseconds(500))
        {
            failures.Add($"Daemon:CheckinInterval must be at least 00:00:00.5, got {options.CheckinInterval}.");
        }

        if (options.CheckinMisfireThreshold < options.CheckinInterval)
        {
            failures.Add($"Daemon:CheckinMisfireThreshold ({options.CheckinMisfireThreshold}) must not be shorter than Daemon:CheckinInterval ({options.CheckinInterval}).");
        }

        if (options.MisfireThreshold < TimeSpan.FromSeconds(1))
        {
            failures.Add($"Daemon:MisfireThreshold must be at least 00:00:01, got {options.MisfireThreshold}.");
        }

        if (options.IdleWaitTime < TimeSpan.FromSeconds(1))
        {
            failures.Add($"Daemon:IdleWaitTime must be at least 00:00:01 (Quartz's minimum), got {options.IdleWaitTime}.");
        }

        if (options.JoinSharedRunsEvery < TimeSpan.Zero || options.JoinSharedRunsEvery > TimeSpan.FromHours(1))
        {
            failures.Add($"Daemon:JoinSharedRunsEvery must be between 00:00:00 (off) and 01:00:00, got {options.JoinSharedRunsEvery}.");
        }

        foreach (var (job, schedule) in options.Jobs)
        {
            if (schedule.Enabled && !CronExpression.TryParse(schedule.Cron, out _))
            {
                failures.Add($"Daemon:Jobs:{job}:Cron '{schedule.Cron}' is not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week, Asia/Shanghai, e.g. '0 5 * * * ?').");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
