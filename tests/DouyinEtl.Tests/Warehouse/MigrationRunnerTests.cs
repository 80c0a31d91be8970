using Dapper;
using DouyinEtl.Warehouse;
using Npgsql;

namespace DouyinEtl.Tests.Warehouse;

public sealed class MigrationRunnerTests
{
    [Fact]
    public async Task Migrate_FromSeveralProcessesAtOnce_AppliesEachFileExactlyOnce()
    {
        await using var dataSource = NpgsqlDataSource.Create(await PostgresServer.CreateDatabaseAsync());

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Runner(dataSource).MigrateAsync(CancellationToken.None)));

        Assert.Equal(MigrationRunner.Embedded.Select(m => m.Version), results.SelectMany(r => r).Order());
        await using var connection = await dataSource.OpenConnectionAsync();
        Assert.Equal(MigrationRunner.Embedded.Count, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM etl.schema_migration"));
        Assert.Empty(await Runner(dataSource).MigrateAsync(CancellationToken.None));
    }

    /// <summary>
    /// A job or daemon starting while another process migrates (V090 converts a large warehouse for minutes) waits for
    /// it, however long, instead of failing when its command timeout runs out — under load, two daemons starting on one
    /// new database lost one that way.
    /// </summary>
    [Fact]
    public async Task MigrateAndPartitionMaintenance_WaitForAnotherProcessesMigrationLongerThanTheCommandTimeout()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(database) { CommandTimeout = 1 }.ConnectionString);
        await using var migrating = new NpgsqlConnection(database);
        await migrating.OpenAsync();
        await migrating.ExecuteAsync("SELECT pg_advisory_lock(@key)", new { key = MigrationRunner.AdvisoryLockKey });

        var migrate = Runner(dataSource).MigrateAsync(CancellationToken.None);
        var maintain = Migrations.Partitions(dataSource).RunAsync(CancellationToken.None);
        await WaitUntilAsync(async () => await migrating.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())") == 2);
        await Task.Delay(TimeSpan.FromSeconds(3)); // three command timeouts: the waits must outlive them
        Assert.False(migrate.IsCompleted || maintain.IsCompleted, "a wait for the migrations' lock ended while it was held");
        await migrating.ExecuteAsync("SELECT pg_advisory_unlock(@key)", new { key = MigrationRunner.AdvisoryLockKey });

        Assert.Equal(MigrationRunner.Embedded.Count, (await migrate).Count);
        Assert.Empty((await maintain).Failures);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (!await condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    [Fact]
    public async Task Migrate_AfterAnAppliedFileWasEdited_RefusesAndNamesTheFile()
    {
        await using var dataSource = NpgsqlDataSource.Create(await PostgresServer.CreateDatabaseAsync());
        await Runner(dataSource).MigrateAsync(CancellationToken.None);
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("UPDATE etl.schema_migration SET checksum = 'edited' WHERE version = 1");
        }

        var error = await Assert.ThrowsAsync<MigrationException>(() => Runner(dataSource).MigrateAsync(CancellationToken.None));

        Assert.Contains(MigrationRunner.Embedded[0].FileName, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_DatabaseNewerThanTheBuild_Refuses()
    {
        await using var dataSource = NpgsqlDataSource.Create(await PostgresServer.CreateDatabaseAsync());
        await Runner(dataSource).MigrateAsync(CancellationToken.None);
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("INSERT INTO etl.schema_migration (version, name, checksum) VALUES (9999, 'future', 'x')");
        }

        var error = await Assert.ThrowsAsync<MigrationException>(() => Runner(dataSource).MigrateAsync(CancellationToken.None));

        Assert.Contains("9999", error.Message, StringComparison.Ordinal);
    }

    private static MigrationRunner Runner(NpgsqlDataSource dataSource) => Migrations.Runner(dataSource);
}
