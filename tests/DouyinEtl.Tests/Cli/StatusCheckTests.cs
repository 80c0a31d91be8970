using System.Text.Json;
using Dapper;
using DouyinEtl.Configuration;
using DouyinEtl.Runs;
using DouyinEtl.Sync;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DouyinEtl.Tests.Cli;

/// <summary>
/// <c>douyin-etl status --check</c> as a monitor runs it: a real child process given nothing but a connection string
/// (no TikHub key, no cookies, no accounts), logged in as the read-only analyst role. Staleness is
/// <c>douyin.pipeline_stream_status</c>'s rule, measured against the database clock, so each warehouse is built by runs
/// whose pinned clock is set relative to that clock: "an hour ago" is fresh, "30 hours ago" is stale.
/// </summary>
public sealed class StatusCheckTests
{
    [Fact]
    public async Task Check_AllFresh_Exits0_AsTheAnalystWithOnlyAConnectionString()
    {
        await using var harness = await Harness.StartAsync();
        await RunAtAsync(harness, TimeSpan.FromHours(1), "item-list");
        await RunAtAsync(harness, TimeSpan.FromHours(1), "author-diagnosis");
        await using var analyst = await AnalystLogin.CreateAsync(harness.ConnectionString);

        var (exitCode, output) = await StatusAsync(analyst.ConnectionString, "--check");

        Assert.True(exitCode == 0, output);
        Assert.Contains("Check: OK", output, StringComparison.Ordinal);
        Assert.Contains("Schema: up to date", output, StringComparison.Ordinal);
        Assert.Contains("creator-03", output, StringComparison.Ordinal);
        Assert.Contains("this login may not read raw.api_call", output, StringComparison.Ordinal);
        Assert.Contains("no accounts are configured", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_AStreamStale_Exits1_AndNamesIt()
    {
        await using var harness = await Harness.StartAsync();
        await RunAtAsync(harness, TimeSpan.FromHours(30), "item-list");
        await RunAtAsync(harness, TimeSpan.FromHours(1), "item-list", ["creator-01", "creator-02"]);
        await using var analyst = await AnalystLogin.CreateAsync(harness.ConnectionString);

        var (exitCode, output) = await StatusAsync(analyst.ConnectionString, "--check");

        Assert.True(exitCode == 1, output);
        Assert.Contains("item-list for creator-03: stale", output, StringComparison.Ordinal);
        Assert.DoesNotContain("item-list for creator-01: stale", output, StringComparison.Ordinal);

        // Without --check, status reports and exits 0.
        Assert.Equal(0, (await StatusAsync(analyst.ConnectionString)).ExitCode);
    }

    [Fact]
    public async Task Check_AJobsLastRunFailed_Exits1()
    {
        await using var harness = await Harness.StartAsync();
        await RunAtAsync(harness, TimeSpan.FromHours(2), "item-list");
        var failed = await RunAtAsync(harness, TimeSpan.FromHours(1), "item-list", settings: new Dictionary<string, string?> { ["TikHub:ApiKey"] = "revoked-key" });
        Assert.Equal(RunOutcome.Failed, failed.Outcome);
        await using var analyst = await AnalystLogin.CreateAsync(harness.ConnectionString);

        var (exitCode, output) = await StatusAsync(analyst.ConnectionString, "--check");

        Assert.True(exitCode == 1, output);
        Assert.Contains("item-list: its last finished run failed", output, StringComparison.Ordinal);
        Assert.DoesNotContain(": stale,", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_ACookieExpired_Exits2_WhichWinsOverAFailedRun_AndJsonSaysTheSame()
    {
        await using var harness = await Harness.StartAsync(s => s.ExpiredAccounts = ["creator-02"]);
        var run = await RunAtAsync(harness, TimeSpan.FromHours(1), "item-list");
        Assert.Equal(RunOutcome.PartlyFailed, run.Outcome);
        await using var analyst = await AnalystLogin.CreateAsync(harness.ConnectionString);

        var (exitCode, output) = await StatusAsync(analyst.ConnectionString, "--check");
        var (jsonExitCode, json) = await StatusAsync(analyst.ConnectionString, "--check", "--json");

        Assert.True(exitCode == 2, output);
        Assert.Contains("account creator-02: cookie expired", output, StringComparison.Ordinal);
        Assert.Contains("item-list: its last finished run partly_failed", output, StringComparison.Ordinal);

        Assert.Equal(2, jsonExitCode);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(2, root.GetProperty("exitCode").GetInt32());
        var problems = root.GetProperty("problems").EnumerateArray().Select(p => (p.GetProperty("kind").GetString(), p.GetProperty("accountId").GetString(), p.GetProperty("job").GetString())).ToList();
        Assert.Equal([("cookie_expired", "creator-02", null), ("run_failed", null, "item-list")], problems);
        var accounts = root.GetProperty("accounts").EnumerateArray().ToDictionary(a => a.GetProperty("accountId").GetString()!, a => a.GetProperty("cookieState").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["creator-01"] = "ok", ["creator-02"] = "cookie_expired", ["creator-03"] = "ok" }, accounts);
        Assert.All(root.GetProperty("accounts").EnumerateArray(), a => Assert.Equal(JsonValueKind.Null, a.GetProperty("calls24h").ValueKind));
        var itemList = root.GetProperty("jobs").EnumerateArray().Single(j => j.GetProperty("job").GetString() == "item-list");
        Assert.Equal(run.RunId, itemList.GetProperty("lastRunId").GetInt64());
        Assert.Equal("partly_failed", itemList.GetProperty("lastFinishedRunStatus").GetString());
        Assert.Equal(run.Counters.BilledCalls, itemList.GetProperty("billedCalls24h").GetInt64());
        Assert.Equal(
            await harness.QueryAsync<string>("SELECT account_id || ' ' || stream || ' ' || is_stale FROM douyin.pipeline_stream_status ORDER BY account_id, stream"),
            root.GetProperty("freshness").EnumerateArray().Select(f => $"{f.GetProperty("accountId").GetString()} {f.GetProperty("stream").GetString()} {(f.GetProperty("isStale").GetBoolean() ? "true" : "false")}"));
        Assert.True(root.GetProperty("schema").GetProperty("known").GetBoolean());
        Assert.Equal(0, root.GetProperty("schema").GetProperty("behind").GetInt32());
    }

    [Fact]
    public async Task Check_ARunWhoseProcessDied_Exits1_ALiveOneDoesNot()
    {
        await using var harness = await Harness.StartAsync();
        await RunAtAsync(harness, TimeSpan.FromHours(1), "item-list");
        using var host = harness.BuildHost();
        var ledger = host.Services.GetRequiredService<RunLedger>();
        var accounts = await host.Services.GetRequiredService<AccountRegistry>().LoadAsync(CancellationToken.None);
        await using var analyst = await AnalystLogin.CreateAsync(harness.ConnectionString);

        await using (var live = await ledger.StartAsync("item-list", "cli", accounts, RunPeriod.Default, CancellationToken.None))
        {
            var (liveExit, liveOutput) = await StatusAsync(analyst.ConnectionString, "--check");
            Assert.True(liveExit == 0, liveOutput);
        }

        var (exitCode, output) = await StatusAsync(analyst.ConnectionString, "--check");

        Assert.True(exitCode == 1, output);
        Assert.Matches(@"item-list: run \d+ \(started [^)]+\) is marked running but its process is gone", output);
        Assert.Contains("(1 dead)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_OnASchemaThatIsBehind_SaysSoAndChangesNothing()
    {
        await using var harness = await Harness.StartAsync();
        await RunAtAsync(harness, TimeSpan.FromHours(1), "item-list");
        var newest = MigrationRunner.Embedded.Where(m => m.Version >= 70).ToList();
        await using (var connection = await harness.OpenAsync())
        {
            // As if the newest migrations had not been applied yet (the view V075 adds goes with its record).
            await connection.ExecuteAsync("DELETE FROM etl.schema_migration WHERE version >= 70");
        }

        var before = await SnapshotAsync(harness);
        var (exitCode, output) = await StatusAsync(harness.ConnectionString);

        Assert.True(exitCode == 0, output);
        Assert.Contains($"schema is {newest.Count} migration(s) behind this build ({string.Join(", ", newest.Select(m => m.FileName))})", output, StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync(harness));

        // An analyst, who may not read etl, on a database without the view: at least the migrations from V075 on are missing.
        await using (var connection = await harness.OpenAsync())
        {
            await connection.ExecuteAsync("DROP VIEW douyin.pipeline_schema_migration");
        }

        await using var analyst = await AnalystLogin.CreateAsync(harness.ConnectionString);
        var fromV075 = MigrationRunner.Embedded.Count(m => m.Version >= 75);
        var (analystExit, analystOutput) = await StatusAsync(analyst.ConnectionString);
        Assert.True(analystExit == 0, analystOutput);
        Assert.Contains($"schema is at least {fromV075} migration(s) behind this build", analystOutput, StringComparison.Ordinal);
    }

    /// <summary>Runs <paramref name="job"/> with the worker's clock pinned <paramref name="ago"/> before the database's clock.</summary>
    private static async Task<RunSummary> RunAtAsync(Harness harness, TimeSpan ago, string job, IReadOnlyCollection<string>? accounts = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var databaseNow = await harness.ScalarAsync<DateTime>("SELECT date_trunc('second', now())");
        harness.SetNow(new DateTimeOffset(DateTime.SpecifyKind(databaseNow, DateTimeKind.Utc)) - ago);
        return await harness.RunAsync(job, settings, accounts);
    }

    /// <summary><c>douyin-etl status</c> in a child process whose environment holds the connection string and nothing else of ours.</summary>
    private static Task<(int ExitCode, string Output)> StatusAsync(string connectionString, params string[] args) =>
        WorkerProcess.RunAsync(
            new Dictionary<string, string?> { ["ConnectionStrings__Warehouse"] = connectionString, ["Logging__LogLevel__Default"] = "Warning" },
            TimeSpan.FromMinutes(2),
            ["status", .. args]);

    /// <summary>Every migration record and every relation of the database, to see that nothing changed.</summary>
    private static async Task<string> SnapshotAsync(Harness harness)
    {
        await using var connection = new NpgsqlConnection(harness.ConnectionString);
        var migrations = await connection.QueryAsync<string>("SELECT version || ' ' || checksum FROM etl.schema_migration ORDER BY version");
        var relations = await connection.QueryAsync<string>(
            "SELECT n.nspname || '.' || c.relname || ' ' || c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('douyin', 'etl', 'raw', 'quartz') ORDER BY 1");
        var rows = await connection.QueryAsync<string>("SELECT (SELECT count(*) FROM etl.run) || ' ' || (SELECT count(*) FROM raw.api_call) || ' ' || (SELECT count(*) FROM etl.checkpoint)");
        return string.Join('\n', migrations.Concat(relations).Concat(rows));
    }
}
