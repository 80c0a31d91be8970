using DouyinEtl.Configuration;
using DouyinEtl.Observability;
using DouyinEtl.Runs;
using DouyinEtl.Sync;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Metrics;
using Quartz;

namespace DouyinEtl.Daemon;

internal static class DaemonRegistration
{
    /// <summary>Quartz resolves stored zone ids itself; this lets "Asia/Shanghai" resolve on hosts without tzdata (chiseled images).</summary>
    private static readonly Lazy<IDisposable> ShanghaiResolver = new(() =>
        TimeZones.AddResolver(id => id == ShanghaiTime.Zone.Id ? ShanghaiTime.Zone : null!));

    /// <summary>
    /// The clustered scheduler and its HTTP side. Hosted services start in this order — health/metrics server,
    /// schedule reconciliation, scheduler — and stop in reverse, so a stopping node answers probes until its run
    /// has finished or been handed back.
    /// </summary>
    public static void AddDaemon(this HostApplicationBuilder builder)
    {
        _ = ShanghaiResolver.Value;
        builder.Services.AddOptions<DaemonOptions>().Bind(builder.Configuration.GetSection(DaemonOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DaemonOptions>, DaemonOptionsValidator>();
        var daemon = builder.Configuration.GetSection(DaemonOptions.Section).Get<DaemonOptions>() ?? new DaemonOptions();
        var grace = builder.Configuration.GetSection(SyncOptions.Section).Get<SyncOptions>()?.ShutdownGrace ?? new SyncOptions().ShutdownGrace;

        // The host waits for the run in flight: its grace, then time to record the run and hand the fire back.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = grace + TimeSpan.FromSeconds(15));

        builder.Services.AddHealthChecks()
            .AddCheck<SchedulerHealthCheck>("scheduler", tags: [OpsServer.LiveTag, OpsServer.ReadyTag])
            .AddCheck<WarehouseHealthCheck>("warehouse", tags: [OpsServer.ReadyTag]);
        builder.Services.AddSingleton<StreamLag>();
        builder.Services.AddSingleton<WarehouseGauges>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(EtlMetrics.MeterName, "System.Runtime", "Quartz")
            .AddPrometheusExporter());
        builder.Services.AddHostedService(sp =>
        {
            _ = sp.GetRequiredService<StreamLag>();
            _ = sp.GetRequiredService<WarehouseGauges>();
            return ActivatorUtilities.CreateInstance<OpsServer>(sp);
        });
        builder.Services.AddHostedService<DaemonSchedule>();
        builder.Services.AddHostedService<PartitionMaintenanceService>();
        builder.Services.AddHostedService<SharedRunJoiner>();

        builder.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(s =>
            {
                s.InstanceName = "douyin-etl";
                if (!string.IsNullOrWhiteSpace(daemon.InstanceId))
                {
                    s.InstanceId = daemon.InstanceId;
                }

                s.IdleWaitTime = daemon.IdleWaitTime;

                // On shutdown the run is asked to stop (its token), and the scheduler waits for it.
                s.ShutdownJobInterruption = ShutdownJobInterruption.WhenWaitingForJobs;
            });
            quartz.AddJobType<SyncJobAdapter>();
            quartz.UsePersistentStore(store =>
            {
                store.UsePostgres(source => source.DataSourceFactory = sp => sp.GetRequiredService<NpgsqlDataSource>());
                store.UseClustering(c =>
                {
                    c.CheckinInterval = daemon.CheckinInterval;
                    c.CheckinMisfireThreshold = daemon.CheckinMisfireThreshold;
                });
                store.ConfigureStore(o =>
                {
                    o.TablePrefix = "quartz.qrtz_";

                    // migrations/V040 owns the schema; Quartz only checks it.
                    o.SchemaProvisioning = SchemaProvisioning.Validate;
                    o.MisfireThreshold = daemon.MisfireThreshold;
                    o.RecoverFiringsCancelledByShutdown = true;
                });
            });
        });
        builder.AddQuartzHostedService(o =>
        {
            o.WaitForJobsToComplete = true;
            o.AwaitApplicationStarted = true;
        });
    }
}
