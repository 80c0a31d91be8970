using Dapper;
using DouyinEtl.Tests.Infrastructure;
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
