using Dapper;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Quartz;

namespace DouyinEtl.Daemon;

/// <summary>Live: the scheduler has not shut down or failed. Ready: it is started and firing (not in standby).</summary>
internal sealed class SchedulerHealthCheck(ISchedulerFactory schedulers) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var ready = context.Registration.Tags.Contains(OpsServer.ReadyTag);
        return scheduler.Status switch
        {
            SchedulerStatus.Running => HealthCheckResult.Healthy($"instance {scheduler.SchedulerInstanceId} running"),
            SchedulerStatus.Created when !ready => HealthCheckResult.Healthy($"instance {scheduler.SchedulerInstanceId} starting"),
            var status => HealthCheckResult.Unhealthy($"instance {scheduler.SchedulerInstanceId} is {status}"),
        };
    }
}

/// <summary>Ready: the warehouse answers and carries every migration this build knows.</summary>
internal sealed class WarehouseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var applied = await connection.ExecuteScalarAsync<int?>(new CommandDefinition(
                "SELECT max(version) FROM etl.schema_migration", cancellationToken: cancellationToken, commandTimeout: 5));
            var expected = MigrationRunner.Embedded[^1].Version;
            return applied >= expected
                ? HealthCheckResult.Healthy($"schema at V{applied}")
                : HealthCheckResult.Unhealthy($"schema at V{applied}, this build needs V{expected}: run douyin-etl migrate");
        }
        catch (NpgsqlException ex)
        {
            return HealthCheckResult.Unhealthy("the warehouse does not answer: " + ex.Message);
        }
    }
}
