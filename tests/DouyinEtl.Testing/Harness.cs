using System.Text.Json.Nodes;
using Dapper;
using DouyinEtl.Configuration;
using DouyinEtl.Hosting;
using DouyinEtl.Runs;
using DouyinEtl.Sandbox;
using DouyinEtl.Sync;
using DouyinEtl.Upstream;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DouyinEtl.Testing;

/// <summary>
/// An end-to-end rig: the sandbox TikHub, a fresh database and the worker, all on one frozen "now". Each run builds
/// the worker host anew from the same settings (plus per-run ones), as separate CLI invocations would.
/// </summary>
internal sealed class Harness : IAsyncDisposable
{
    public static readonly DateTimeOffset DefaultNow = new(2026, 11, 20, 10, 30, 0, TimeSpan.Zero);

    private readonly Dictionary<string, string?> _settings;

    static Harness() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    private Harness(SandboxServer sandbox, string connectionString, FixedClock clock, Dictionary<string, string?> settings)
    {
        Sandbox = sandbox;
        ConnectionString = connectionString;
        Clock = clock;
        _settings = settings;
    }

    public SandboxServer Sandbox { get; }

    public string ConnectionString { get; }

    public FixedClock Clock { get; }

    public LogCapture Logs { get; } = new();

    public DateTimeOffset Now => Clock.Now;

    /// <summary>Changes to every worker host this harness builds (e.g. a handler in front of the sandbox), after the worker's own.</summary>
    public Action<IServiceCollection>? Services { get; set; }

    /// <summary>A small world (3 accounts × 150 works over two years) with no rate limit, and a worker paging 20 works at a time.</summary>
    /// <param name="sandbox">Changes to the sandbox's options.</param>
    /// <param name="settings">Worker settings on top of the harness's.</param>
    /// <param name="database">A database of the caller's (e.g. on a server a test restarts); by default a new, migrated one on the shared test server.</param>
    /// <param name="accountsInConfiguration">False: no <c>Accounts:N:*</c> setting; the test manages the accounts in the warehouse (<c>douyin-etl accounts</c>).</param>
    public static async Task<Harness> StartAsync(Action<SandboxOptions>? sandbox = null, IReadOnlyDictionary<string, string?>? settings = null, string? database = null, bool accountsInConfiguration = true)
    {
        var options = new SandboxOptions
        {
            Accounts = 3,
            ItemsPerAccount = 150,
            ForwardDays = 30,
            RequestsPerSecondPerKey = 0,
            RequestsPerSecondPerEndpoint = 0,
            FixedNow = DefaultNow,
        };
        sandbox?.Invoke(options);
        var server = await SandboxServer.StartAsync(options);
        var connectionString = database ?? await PostgresServer.CreateMigratedDatabaseAsync();

        var all = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Warehouse"] = connectionString,
            ["TikHub:BaseUrl"] = server.BaseUrl,
            ["TikHub:ApiKey"] = options.ApiKey,
            ["TikHub:RequestsPerSecond"] = "1000",
            ["TikHub:RequestsPerSecondPerEndpoint"] = "1000",
            ["TikHub:RetryBaseDelay"] = "00:00:00.010",
            ["TikHub:RetryMaxDelay"] = "00:00:00.200",
            ["TikHub:AttemptTimeout"] = "00:00:30", // generous: a loaded machine must not turn a slow answer into a paid retry
            ["ItemList:PageSize"] = "20",
            ["Sync:Concurrency"] = "4",
            ["Logging:LogLevel:Default"] = "Debug",
        };
        for (var i = 0; i < (accountsInConfiguration ? server.World.Accounts.Count : 0); i++)
        {
            var account = server.World.Accounts[i];
            all[$"Accounts:{i}:Id"] = account.Id;
            all[$"Accounts:{i}:Name"] = account.Name;
            all[$"Accounts:{i}:Cookie"] = account.Cookie;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return new Harness(server, connectionString, new FixedClock(options.FixedNow!.Value), all);
    }

    /// <summary>Moves "now" for both the sandbox and the worker.</summary>
    public void SetNow(DateTimeOffset now)
    {
        Clock.Now = now;
        Sandbox.State.Clock.Set(now);
    }

    /// <summary>This harness's settings as arguments of the real command line (secrets in files, see <see cref="CliArguments"/>).</summary>
    public string[] SetArguments() => [.. CliArguments.From(_settings), "--set", "Logging:LogLevel:Default=Warning"];

    /// <summary>
    /// This harness's settings as environment variables (<c>Section__Key</c>, as production sets them) for a child
    /// <c>douyin-etl</c> process, whose clock is pinned to the harness's "now" (<see cref="StartupHook"/>).
    /// </summary>
    public Dictionary<string, string?> ChildEnvironment()
    {
        var environment = _settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);
        environment["Logging__LogLevel__Default"] = "Information";
        foreach (var (key, value) in WorkerProcess.PinnedClock(Now))
        {
            environment[key] = value;
        }

        return environment;
    }

    public IHost BuildHost(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var merged = new Dictionary<string, string?>(_settings);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            merged[key] = value;
        }

        var builder = WorkerHost.CreateBuilder(WorkerRole.Jobs, merged);
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(Logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddSingleton<TimeProvider>(Clock);
        Services?.Invoke(builder.Services);
        return builder.Build();
    }

    public async Task<RunSummary> RunAsync(string job = "item-list", IReadOnlyDictionary<string, string?>? settings = null, IReadOnlyCollection<string>? accounts = null, RunPeriod? period = null)
    {
        using var host = BuildHost(settings);
        var failures = WorkerHost.Validate(host.Services);
        Assert.True(failures.Count == 0, "configuration: " + string.Join("; ", failures));
        await host.Services.GetRequiredService<MigrationRunner>().MigrateAsync(CancellationToken.None);
        return await host.Services.GetRequiredService<JobRunner>().RunAsync(
            new RunRequest(job, accounts ?? [], period ?? RunPeriod.Default, "test"), CancellationToken.None);
    }

    /// <summary>One upstream call through the real client, inside a run of its own, for the first sandbox account.</summary>
    public async Task<UpstreamResponse> CallAsync(string endpoint, JsonObject body)
    {
        using var host = BuildHost();
        var services = host.Services;
        await services.GetRequiredService<MigrationRunner>().MigrateAsync(CancellationToken.None);
        var account = (await services.GetRequiredService<AccountRegistry>().LoadAsync(CancellationToken.None))[0];
        var ledger = services.GetRequiredService<RunLedger>();
        await using var lease = await ledger.StartAsync("test-call", "test", [account], RunPeriod.Default, CancellationToken.None);
        var runId = lease.RunId;
        using var run = new RunContext(runId, "test-call", Now, [account], RunPeriod.Default, 0, ledger, services.GetRequiredService<ILoggerFactory>().CreateLogger("test"));
        return await services.GetRequiredService<TikHubClient>().CallAsync(run, new UpstreamRequest(endpoint, account, body, "test", "test"), CancellationToken.None);
    }

    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public Task<List<T>> QueryAsync<T>(string sql, object? parameters = null) => WarehouseRows.QueryAsync<T>(ConnectionString, sql, parameters);

    public async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await OpenAsync();
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    public async ValueTask DisposeAsync()
    {
        await Sandbox.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
    }
}
