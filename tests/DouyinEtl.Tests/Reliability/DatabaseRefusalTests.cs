using System.Globalization;
using Dapper;
using DouyinEtl.Runs;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace DouyinEtl.Tests.Reliability;

/// <summary>
/// A database that refuses what the run writes — and will go on refusing it — stops the run before it pays for more
/// answers it cannot keep: one line naming the cause, exit 1, nothing half written. Outages that pass are ridden out
/// (<see cref="PostgresRestartTests"/>).
/// </summary>
public sealed class DatabaseRefusalTests(ITestOutputHelper output)
{
    private const int Concurrency = 4;

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Sync:Concurrency"] = Concurrency.ToString(CultureInfo.InvariantCulture),
        ["ItemList:PageSize"] = "5",
        // Short, so that a build that waits on a refusal as if it were an outage still ends within the test.
        ["Sync:DatabaseRetryFor"] = "00:00:02",
    };

    [Fact]
    public async Task Run_AsALoginThatMayNotInsertIntoRawApiCall_StopsBeforeTheFirstCallWithOneLineNamingTheCause()
    {
        await using var harness = await Harness.StartAsync(s => (s.ItemsPerAccount, s.Latency) = (100, TimeSpan.FromMilliseconds(20)), Settings);
        await MigrateAsync(harness);
        await using var login = await RestrictedLogin.CreateAsync(harness.ConnectionString, "REVOKE INSERT ON raw.api_call FROM {0}");
        var environment = harness.ChildEnvironment();
        environment["ConnectionStrings__Warehouse"] = login.ConnectionString;
        environment["Warehouse__MigrateOnStart"] = "false";
        environment["Logging__LogLevel__Default"] = "Warning";

        var (exitCode, printed) = await WorkerProcess.RunAsync(environment, TimeSpan.FromMinutes(2), "run", "item-list");
        output.WriteLine(printed);

        Assert.Equal(1, exitCode);
        var error = Assert.Single(printed.Split('\n'), l => l.StartsWith("  error:", StringComparison.Ordinal));
        Assert.Contains("permission denied for table api_call", error, StringComparison.Ordinal);
        Assert.Contains("42501", error, StringComparison.Ordinal);
        Assert.DoesNotContain(printed.Split('\n'), l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.Equal(0, harness.Sandbox.Calls.TotalBilled);
        Assert.Equal(0, await harness.ScalarAsync<long>("SELECT (SELECT count(*) FROM raw.api_call) + (SELECT count(*) FROM douyin.item) + (SELECT count(*) FROM etl.checkpoint)"));
        var run = await harness.QueryAsync<(string Status, string Error)>("SELECT status, error FROM etl.run");
        Assert.Equal("failed", Assert.Single(run).Status);
        Assert.Contains("42501", run[0].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WhenTheDiskIsFull_StopsAtTheFirstUnitInsteadOfPayingForEveryOne()
    {
        await using var harness = await Harness.StartAsync(s => (s.ItemsPerAccount, s.Latency) = (100, TimeSpan.FromMilliseconds(50)), Settings);
        await MigrateAsync(harness);
        // What PostgreSQL answers when the volume is full, for every answer that would be landed (not for the probe before the run).
        await using (var connection = await harness.OpenAsync())
        {
            await connection.ExecuteAsync("""
                CREATE FUNCTION raw.t_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'could not extend file "base/16384/16402": No space left on device' USING ERRCODE = 'disk_full'; END $$;
                CREATE TRIGGER t_disk_full BEFORE INSERT ON raw.api_call FOR EACH ROW WHEN (NEW.http_status = 200) EXECUTE FUNCTION raw.t_disk_full();
                """);
        }

        var summary = await harness.RunAsync("item-list");
        var billed = harness.Sandbox.Calls.TotalBilled;
        output.WriteLine($"{billed} billed answers; error: {summary.Error}");

        Assert.Equal(RunOutcome.Failed, summary.Outcome);
        Assert.Contains("SQLSTATE 53100", summary.Error, StringComparison.Ordinal);
        Assert.Contains("disk is full", summary.Error, StringComparison.Ordinal);
        Assert.InRange(billed, 1, Concurrency);
        Assert.Equal(0, await harness.ScalarAsync<long>("SELECT (SELECT count(*) FROM douyin.item) + (SELECT count(*) FROM etl.checkpoint)"));
        Assert.Equal("failed", await harness.ScalarAsync<string>("SELECT status FROM etl.run"));
    }

    [Fact]
    public async Task Run_WhenTheDatabaseTurnsReadOnlyMidRun_StopsInsteadOfFailingUnitAfterUnit()
    {
        await using var harness = await Harness.StartAsync(s => (s.ItemsPerAccount, s.Latency) = (200, TimeSpan.FromMilliseconds(100)), Settings);
        await MigrateAsync(harness);
        var database = new NpgsqlConnectionStringBuilder(harness.ConnectionString).Database!;
        try
        {
            var running = harness.RunAsync("item-list");
            while (harness.Sandbox.Calls.TotalBilled < 8 && !running.IsCompleted)
            {
                await Task.Delay(5);
            }

            // A failover to a standby: the connections drop, and the server they come back to is read-only.
            long billedAtFailover;
            await using (var connection = await harness.OpenAsync())
            {
                await connection.ExecuteAsync($"ALTER DATABASE {database} SET default_transaction_read_only = on");
                billedAtFailover = harness.Sandbox.Calls.TotalBilled;
                await connection.ExecuteAsync("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
            }

            var summary = await running;
            var after = harness.Sandbox.Calls.TotalBilled - billedAtFailover;
            output.WriteLine($"{billedAtFailover} billed before the failover, {after} after; error: {summary.Error}");

            Assert.Equal(RunOutcome.Failed, summary.Outcome);
            Assert.Contains("read-only", summary.Error, StringComparison.Ordinal);
            Assert.Contains("SQLSTATE 25006", summary.Error, StringComparison.Ordinal);
            Assert.InRange(after, 0, Concurrency);
        }
        finally
        {
            // From another database: a new session in this one is read-only now.
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(harness.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString);
            await connection.OpenAsync();
            await connection.ExecuteAsync($"ALTER DATABASE {database} RESET default_transaction_read_only");
        }
    }

    [Theory]
    [InlineData("42501", true)]
    [InlineData("42P01", true)]
    [InlineData("53100", true)]
    [InlineData("53200", true)]
    [InlineData("25006", true)]
    [InlineData("28P01", true)]
    [InlineData("53300", false)]
    [InlineData("57P01", false)]
    [InlineData("40001", false)]
    [InlineData("23505", false)]
    public void Refusal_IsWhatWaitingWillNotCure(string sqlState, bool refusal)
    {
        var error = new PostgresException("message", "ERROR", "ERROR", sqlState);

        Assert.Equal(refusal, DatabaseErrors.Refusal(new InvalidOperationException("wrapped", error)) is not null);
        Assert.False(refusal && DatabaseErrors.IsOutage(error));
    }

    private static async Task MigrateAsync(Harness harness)
    {
        using var host = harness.BuildHost();
        await host.Services.GetRequiredService<MigrationRunner>().MigrateAsync(CancellationToken.None);
    }

    /// <summary>A LOGIN that may do what the worker does in the test's database, less what <c>revoke</c> takes away.</summary>
    private sealed class RestrictedLogin : IAsyncDisposable
    {
        private readonly string _adminConnectionString;
        private readonly string _name;

        private RestrictedLogin(string adminConnectionString, string name, string connectionString)
        {
            _adminConnectionString = adminConnectionString;
            _name = name;
            ConnectionString = connectionString;
        }

        public string ConnectionString { get; }

        public static async Task<RestrictedLogin> CreateAsync(string adminConnectionString, string revoke)
        {
            var name = "t_etl_" + Guid.NewGuid().ToString("N")[..12];
            var password = Guid.NewGuid().ToString("N");
            await using (var connection = new NpgsqlConnection(adminConnectionString))
            {
                await connection.OpenAsync();
                await connection.ExecuteAsync($"""
                    CREATE ROLE {name} LOGIN PASSWORD '{password}';
                    GRANT USAGE ON SCHEMA douyin, raw, etl TO {name};
                    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA douyin, raw, etl TO {name};
                    GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA douyin, raw, etl TO {name};
                    {string.Format(CultureInfo.InvariantCulture, revoke, name)};
                    """);
            }

            var login = new NpgsqlConnectionStringBuilder(adminConnectionString) { Username = name, Password = password, Pooling = false };
            return new RestrictedLogin(adminConnectionString, name, login.ConnectionString);
        }

        public async ValueTask DisposeAsync()
        {
            await using var connection = new NpgsqlConnection(_adminConnectionString);
            await connection.OpenAsync();
            await connection.ExecuteAsync($"DROP OWNED BY {_name}; DROP ROLE IF EXISTS {_name}");
        }
    }
}
