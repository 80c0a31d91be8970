using Dapper;
using DouyinEtl.Daemon;
using DouyinEtl.Hosting;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Quartz;

namespace DouyinEtl.Tests.Daemon;

/// <summary>What a starting node does to the stored schedule: add, keep unchanged triggers (and their history), update, remove.</summary>
public sealed class DaemonScheduleTests
{
    private const string Trigger = """
        SELECT c.cron_expression, c.time_zone_id, t.misfire_instr, t.start_time
        FROM quartz.qrtz_triggers t JOIN quartz.qrtz_cron_triggers c USING (sched_name, trigger_name, trigger_group)
        WHERE t.trigger_name = 'item-list' AND t.trigger_group = 'sync'
        """;

    [Fact]
    public async Task StartingNodes_AddKeepUpdateAndRemoveTheJobsTrigger()
    {
        var database = await PostgresServer.CreateDatabaseAsync();

        await StartNodeAsync(database, "0 5 * * * ?");
        var first = await TriggerAsync(database);
        Assert.Equal(("0 5 * * * ?", "Asia/Shanghai", (short)CronTriggerMisfireInstruction.FireAndProceed), (first!.Value.Cron, first.Value.Zone, first.Value.Misfire));

        await Task.Delay(20);
        await StartNodeAsync(database, "0 5 * * * ?");
        Assert.Equal(first, await TriggerAsync(database));

        await StartNodeAsync(database, "0 30 2 * * ?");
        Assert.Equal("0 30 2 * * ?", (await TriggerAsync(database))!.Value.Cron);

        await StartNodeAsync(database, null);
        Assert.Null(await TriggerAsync(database));
        Assert.Equal(0L, await ScalarAsync(database, "SELECT count(*) FROM quartz.qrtz_job_details WHERE job_name = 'item-list'"));
    }

    private static async Task StartNodeAsync(string database, string? cron)
    {
        var settings = new Dictionary<string, string?>(TestCredentials.ValidSettings)
        {
            ["ConnectionStrings:Warehouse"] = database,
            ["Daemon:InstanceId"] = "schedule-test",
            ["Daemon:Jobs:item-list:Cron"] = cron,
            ["Daemon:Jobs:item-list:Enabled"] = cron is null ? "false" : "true",
        };
        using var host = WorkerHost.CreateBuilder(WorkerRole.Daemon, settings).Build();
        await host.Services.GetRequiredService<MigrationRunner>().MigrateAsync(CancellationToken.None);
        await host.Services.GetServices<IHostedService>().OfType<DaemonSchedule>().Single().StartAsync(CancellationToken.None);
        await (await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler()).Shutdown(waitForJobsToComplete: false);
    }

    private static async Task<(string Cron, string Zone, short Misfire, long StartTime)?> TriggerAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        var rows = (await connection.QueryAsync<(string, string, short, long)>(Trigger)).ToList();
        return rows.Count == 0 ? null : rows[0];
    }

    private static async Task<long> ScalarAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        return await connection.ExecuteScalarAsync<long>(sql);
    }
}
