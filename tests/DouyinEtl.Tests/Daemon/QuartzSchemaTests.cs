using Dapper;
using DouyinEtl.Hosting;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Quartz;

namespace DouyinEtl.Tests.Daemon;

/// <summary>Quartz's tables come from our migrations (V040), never from Quartz itself, and stay what Quartz expects.</summary>
public sealed class QuartzSchemaTests
{
    private const string Columns = """
        SELECT table_name, column_name, data_type, is_nullable, coalesce(column_default, '') AS column_default
        FROM information_schema.columns WHERE table_schema = 'quartz'
        ORDER BY 1, 2
        """;

    private const string Indexes = "SELECT indexname FROM pg_indexes WHERE schemaname = 'quartz' ORDER BY 1";

    /// <summary>Fails after a Quartz upgrade that changes its schema, until a new migration brings ours level with it.</summary>
    [Fact]
    public async Task Migrations_CreateExactlyTheSchemaTheQuartzDllInUseWouldCreate()
    {
        await using var migrated = NpgsqlDataSource.Create(await PostgresServer.CreateDatabaseAsync());
        await Migrations.Runner(migrated).MigrateAsync(CancellationToken.None);
        await using var byQuartz = NpgsqlDataSource.Create(await PostgresServer.CreateDatabaseAsync());
        await using (var connection = await byQuartz.OpenConnectionAsync())
        {
            await using var script = typeof(IJob).Assembly.GetManifestResourceStream("Quartz.Impl.AdoJobStore.Schema.create_postgres.sql")!;
            var sql = (await new StreamReader(script).ReadToEndAsync()).Replace("{0}", "quartz.qrtz_", StringComparison.Ordinal).Replace("{1}", "qrtz_", StringComparison.Ordinal);
            await connection.ExecuteAsync("CREATE SCHEMA quartz;\n" + sql);
        }

        Assert.Equal(await QueryAsync<(string, string, string, string, string)>(byQuartz, Columns), await QueryAsync<(string, string, string, string, string)>(migrated, Columns));
        Assert.Equal(await QueryAsync<string>(byQuartz, Indexes), await QueryAsync<string>(migrated, Indexes));
        Assert.True((await QueryAsync<string>(migrated, Indexes)).Count > 10);
    }

    [Fact]
    public async Task Scheduler_ValidatesTheSchemaInsteadOfCreatingIt()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        IHost Daemon() => WorkerHost.CreateBuilder(WorkerRole.Daemon, new Dictionary<string, string?>
        {
            ["ConnectionStrings:Warehouse"] = database,
            ["TikHub:ApiKey"] = "placeholder",
            ["Accounts:0:Id"] = "placeholder",
            ["Accounts:0:Cookie"] = TestCredentials.Cookie,
            ["Daemon:InstanceId"] = "schema-test",
        }).Build();

        using (var unmigrated = Daemon())
        {
            var refused = await Assert.ThrowsAnyAsync<SchedulerException>(() => unmigrated.Services.GetRequiredService<ISchedulerFactory>().GetScheduler().AsTask());
            Assert.Contains("quartz.qrtz_", refused.ToString(), StringComparison.Ordinal);
        }

        Assert.Equal(0L, await ScalarAsync(database, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'quartz'"));

        using var migrated = Daemon();
        await migrated.Services.GetRequiredService<MigrationRunner>().MigrateAsync(CancellationToken.None);
        var scheduler = await migrated.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        Assert.Equal("schema-test", scheduler.SchedulerInstanceId);
        await scheduler.Shutdown(waitForJobsToComplete: false);
    }

    private static async Task<List<T>> QueryAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return [.. await connection.QueryAsync<T>(sql)];
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return await connection.ExecuteScalarAsync<long>(sql);
    }
}
