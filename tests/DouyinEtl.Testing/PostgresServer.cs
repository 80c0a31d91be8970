using Dapper;
using DotNet.Testcontainers.Configurations;
using DouyinEtl.Warehouse;
using Npgsql;
using Testcontainers.PostgreSql;

namespace DouyinEtl.Testing;

/// <summary>
/// One PostgreSQL server for the whole test run, found in this order: the connection string in DOUYIN_ETL_TEST_PG,
/// a Testcontainers container when a Docker engine answers, a throwaway cluster from local binaries. With none of
/// them every database test fails with a message saying how to get one: they never skip silently.
/// Each test gets its own database on it (<see cref="CreateDatabaseAsync"/>, or <see cref="CreateMigratedDatabaseAsync"/>),
/// so tests run in parallel without sharing rows.
/// </summary>
internal static class PostgresServer
{
    public const string EnvironmentVariable = "DOUYIN_ETL_TEST_PG";

    private const string ClusterDirectoryPrefix = "douyin-etl-tests-";

    private static readonly Lazy<Task<string>> Server = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly Lazy<Task<string>> MigratedTemplate = new(CreateMigratedTemplateAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>An empty database.</summary>
    public static Task<string> CreateDatabaseAsync() => CreateDatabaseAsync(template: null);

    /// <summary>
    /// A database holding every migration: a copy of one database migrated once per test run (PostgreSQL copies its
    /// files) instead of every migration run again for every test. Partition maintenance still runs at the test's first
    /// migrate, for the test's own clock.
    /// </summary>
    public static async Task<string> CreateMigratedDatabaseAsync() => await CreateDatabaseAsync(await MigratedTemplate.Value);

    private static async Task<string> CreateDatabaseAsync(string? template)
    {
        var admin = await Server.Value;
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync(template is null ? $"CREATE DATABASE {name}" : $"CREATE DATABASE {name} TEMPLATE {template}");
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true, MaxPoolSize = 40 }.ConnectionString;
    }

    private static async Task<string> CreateMigratedTemplateAsync()
    {
        var database = new NpgsqlConnectionStringBuilder(await CreateDatabaseAsync()) { Pooling = false };
        await using (var dataSource = NpgsqlDataSource.Create(database.ConnectionString))
        {
            await Migrations.Runner(dataSource).MigrateAsync(CancellationToken.None);
        }

        // A copy needs a source nobody is connected to: from now on nobody may connect to it.
        await using var connection = new NpgsqlConnection(await Server.Value);
        await connection.OpenAsync();
        await connection.ExecuteAsync($"ALTER DATABASE {database.Database} WITH ALLOW_CONNECTIONS false");
        return database.Database!;
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

        RemoveClustersLeftByEarlierRuns();
        var directory = Path.Combine(Path.GetTempPath(), ClusterDirectoryPrefix + Guid.NewGuid().ToString("N")[..8]);
        var postgres = await LocalPostgres.StartAsync(directory, durable: false, CancellationToken.None);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            // vstest kills the test host soon after the tests, before a shutdown checkpoint and removing ~2 GB are
            // done, so a process of its own stops the server and removes the folder.
            try
            {
                using var cleanup = System.Diagnostics.Process.Start("sh", ["-c", $"{postgres.StopCommand} >/dev/null 2>&1; rm -rf '{directory}'"]);
            }
            catch (Exception)
            {
                // The next run's sweep gets what is left; a failing cleanup must not fail the run.
            }
        };
        return postgres.ConnectionString();
    }

    /// <summary>
    /// A test host that is killed after the tests (vstest does not wait long for it) leaves its stopped cluster behind,
    /// about 2 GB a run; left alone they filled the disk. Removes every such folder whose server no longer runs and
    /// that nobody has touched for ten minutes (a younger one may be another run's cluster being created).
    /// </summary>
    private static void RemoveClustersLeftByEarlierRuns()
    {
        foreach (var directory in Directory.GetDirectories(Path.GetTempPath(), ClusterDirectoryPrefix + "*"))
        {
            try
            {
                if (Directory.GetLastWriteTimeUtc(directory) > DateTime.UtcNow.AddMinutes(-10) || ServerStillRuns(directory))
                {
                    continue;
                }

                Directory.Delete(directory, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Someone else's folder, or one being removed right now: not ours to fight over.
            }
        }
    }

    private static bool ServerStillRuns(string directory)
    {
        var pidFile = Path.Combine(directory, "data", "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return false;
        }

        var firstLine = File.ReadLines(pidFile).FirstOrDefault();
        return int.TryParse(firstLine, out var pid) && Directory.Exists($"/proc/{pid}");
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
