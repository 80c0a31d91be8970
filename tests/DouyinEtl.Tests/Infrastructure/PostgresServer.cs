using Dapper;
using DotNet.Testcontainers.Configurations;
using DouyinEtl.Warehouse;
using Npgsql;
using Testcontainers.PostgreSql;

namespace DouyinEtl.Tests.Infrastructure;

/// <summary>
/// One PostgreSQL server for the whole test run, found in this order: the connection string in DOUYIN_ETL_TEST_PG,
/// a Testcontainers container when a Docker engine answers, a throwaway cluster from local binaries. With none of
/// them every database test fails with a message saying how to get one: they never skip silently.
/// Each test gets its own database on it (<see cref="CreateDatabaseAsync"/>), so tests run in parallel without sharing rows.
/// </summary>
internal static class PostgresServer
{
    public const string EnvironmentVariable = "DOUYIN_ETL_TEST_PG";

    private static readonly Lazy<Task<string>> Server = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    public static async Task<string> CreateDatabaseAsync()
    {
        var admin = await Server.Value;
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync($"CREATE DATABASE {name}");
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true, MaxPoolSize = 40 }.ConnectionString;
    }

    private static async Task<string> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        if (DockerAnswers())
        {
            var container = new PostgreSqlBuilder("postgres:15-alpine").Build();
            await container.StartAsync();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => container.DisposeAsync().AsTask().GetAwaiter().GetResult();
            return container.GetConnectionString();
        }

        if (LocalPostgres.FindBinDirectory() is null)
        {
            throw new InvalidOperationException(
                "The database tests need PostgreSQL and found none. Either set " + EnvironmentVariable +
                " to a connection string of a server where the tests may create databases, or start a Docker engine (Testcontainers), or " +
                LocalPostgres.HowToInstall);
        }

        var directory = Path.Combine(Path.GetTempPath(), "douyin-etl-tests-" + Guid.NewGuid().ToString("N")[..8]);
        var postgres = await LocalPostgres.StartAsync(directory, durable: false, CancellationToken.None);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                postgres.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception)
            {
                // The machine's temp cleaner gets what is left; a failing cleanup must not fail the run.
            }
        };
        return postgres.ConnectionString();
    }

    private static bool DockerAnswers()
    {
        try
        {
            return TestcontainersSettings.OS.DockerEndpointAuthConfig is not null;
        }
        catch (Exception)
        {
            return false;
        }
    }
}
