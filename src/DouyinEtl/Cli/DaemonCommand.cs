using System.CommandLine;
using DouyinEtl.Configuration;
using DouyinEtl.Daemon;
using DouyinEtl.Hosting;
using DouyinEtl.Runs;
using DouyinEtl.Sync;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DouyinEtl.Cli;

/// <summary><c>douyin-etl daemon</c>: the clustered scheduler, until SIGTERM.</summary>
internal static class DaemonCommand
{
    public static Command Create()
    {
        var command = new Command(
            "daemon",
            "Run every job on its schedule until stopped (SIGTERM/Ctrl+C): cron per job from Daemon:Jobs:<job>:Cron in Asia/Shanghai time, " +
            "Quartz with its job store in PostgreSQL, clustered, so any number of replicas run each fire exactly once and take over from a " +
            "replica that dies. Serves /health/live, /health/ready and /metrics (Prometheus) on Daemon:Urls. On stop, the run in flight " +
            "starts no new unit, gets Sync:ShutdownGrace to finish, and is handed back to the cluster if it could not.");
        command.SetAction((parse, cancellationToken) => CommandLine.GuardAsync(async () =>
        {
            using var host = await CommandLine.StartAsync(WorkerRole.Daemon, parse, cancellationToken, check: CheckSchedules);

            // A managed cookie this process cannot decrypt, or an id in both sources, stops it here (exit 64) rather than at
            // every fire. No account at all is fine: accounts added later with `douyin-etl accounts add` are read at each fire.
            _ = await host.Services.GetRequiredService<AccountRegistry>().LoadAsync(cancellationToken);
            await host.RunAsync(cancellationToken);
            return (int)ExitCode.Ok;
        }));
        return command;
    }

    /// <summary>Before anything connects: an enabled account, and a cron for every job and none for a job that does not exist.</summary>
    private static void CheckSchedules(IServiceProvider services)
    {
        CommandLine.RequireEnabledAccount(services);
        var jobs = services.GetRequiredService<JobRunner>().Jobs;
        var options = services.GetRequiredService<IOptions<DaemonOptions>>().Value;
        var problems = DaemonSchedule.MissingSchedules(jobs, options).Concat(DaemonSchedule.UnknownSchedules(jobs, options)).ToList();
        if (problems.Count > 0)
        {
            throw new ConfigurationException(WorkerHost.Message(problems));
        }
    }
}
