using Dapper;
using DouyinEtl.Hosting;
using DouyinEtl.Runs;
using DouyinEtl.Sandbox;
using DouyinEtl.Sync;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DouyinEtl.Benchmarks.Performance;

/// <summary>
/// One throwaway PostgreSQL cluster for the whole benchmark run, durable as in production (fsync on), with a fresh
/// database per measurement; and the worker, built the way the CLI builds it, pointed at a sandbox.
/// </summary>
internal sealed class BenchWarehouse : IAsyncDisposable
{
    private readonly LocalPostgres _postgres;
    private int _databases;

    private BenchWarehouse(LocalPostgres postgres) => _postgres = postgres;

    public static async Task<BenchWarehouse> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "douyin-etl-bench-" + Guid.NewGuid().ToString("N")[..8]);
        return new BenchWarehouse(await LocalPostgres.StartAsync(directory, durable: true, CancellationToken.None));
    }

    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"bench_{Interlocked.Increment(ref _databases)}";
        await using (var connection = new NpgsqlConnection(_postgres.ConnectionString()))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync($"CREATE DATABASE {name}");
        }

        return _postgres.ConnectionString(name);
    }

    /// <summary>The settings a `douyin-etl run` needs to talk to <paramref name="sandbox"/> and <paramref name="connectionString"/>.</summary>
    public static Dictionary<string, string?> WorkerSettings(SandboxServer sandbox, string connectionString)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Warehouse"] = connectionString,
            ["TikHub:BaseUrl"] = sandbox.BaseUrl,
            ["TikHub:ApiKey"] = sandbox.Options.ApiKey,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        for (var i = 0; i < sandbox.World.Accounts.Count; i++)
        {
            var account = sandbox.World.Accounts[i];
            settings[$"Accounts:{i}:Id"] = account.Id;
            settings[$"Accounts:{i}:Name"] = account.Name;
            settings[$"Accounts:{i}:Cookie"] = account.Cookie;
        }

        return settings;
    }

    /// <summary>Applies every migration to <paramref name="connectionString"/>, as `douyin-etl migrate` does.</summary>
    public static async Task MigrateAsync(string connectionString)
    {
        var builder = WorkerHost.CreateBuilder(WorkerRole.Warehouse, new Dictionary<string, string?> { ["ConnectionStrings:Warehouse"] = connectionString, ["Logging:LogLevel:Default"] = "Warning" });
        using var host = builder.Build();
        await host.Services.GetRequiredService<MigrationRunner>().MigrateAsync(CancellationToken.None);
    }

    /// <summary>The worker in this process, on <paramref name="clock"/> (the sandbox's, so both agree on "now"), migrated.</summary>
    public static async Task<IHost> StartWorkerAsync(IReadOnlyDictionary<string, string?> settings, TimeProvider clock)
    {
        var builder = WorkerHost.CreateBuilder(WorkerRole.Jobs, settings);
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(clock);
        var host = builder.Build();
        var failures = WorkerHost.Validate(host.Services);
        if (failures.Count > 0)
        {
            throw new InvalidOperationException("configuration: " + string.Join("; ", failures));
        }

        await host.Services.GetRequiredService<MigrationRunner>().MigrateAsync(CancellationToken.None);
        return host;
    }

    public static Task<RunSummary> RunJobAsync(IHost worker, string job) =>
        worker.Services.GetRequiredService<JobRunner>().RunAsync(new RunRequest(job, [], RunPeriod.Default, "benchmark"), CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await _postgres.StopAsync(CancellationToken.None);
        Directory.Delete(_postgres.Directory, recursive: true);
    }
}
