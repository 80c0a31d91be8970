using System.Globalization;
using Dapper;
using DouyinEtl.Cli;
using DouyinEtl.Runs;
using DouyinEtl.Sandbox;
using DouyinEtl.Sandbox.World;
using Npgsql;

namespace DouyinEtl.Tests.Cli;

/// <summary>A warehouse holding a non-sandbox account's rows, and a TikHub (a sandbox with another key) that counts every call made to it.</summary>
internal sealed record Production(string ConnectionString, string AccountId, SandboxServer Decoy) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Decoy.DisposeAsync();
}

/// <summary>
/// README's first command, <c>douyin-demo demo</c>, as a child process whose clocks (the sandbox's and the worker's) are
/// pinned, started in a shell that holds production settings; and the checks of what it printed.
/// </summary>
internal static class DemoRun
{
    /// <summary>A small world that still reaches every job (the first account broadcasts round the clock: its windows split).</summary>
    public static readonly string[] SmallWorld = ["--accounts", "1", "--items", "40", "--set", "ItemAnalytics:MaxItemsPerRun=3"];

    private static readonly string[] Jobs = ["item-list", "item-export", "item-analytics", "author-diagnosis", "item-analysis", "live-rooms"];

    public static Task<(int ExitCode, string Output)> RunAsync(Production production, DateTimeOffset now, string[] arguments)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Warehouse"] = production.ConnectionString,
            ["Accounts__7__Id"] = production.AccountId, // an index the demo's own accounts do not overwrite
            ["Accounts__7__Cookie"] = "sessionid=production-cookie",
            ["TikHub__ApiKey"] = production.Decoy.Options.ApiKey,
            ["TikHub__BaseUrl"] = production.Decoy.BaseUrl,
            ["Secrets__Directory"] = "/nonexistent/production-secrets",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in WorkerProcess.PinnedClock(now))
        {
            environment[key] = value;
        }

        return WorkerProcess.RunAsync(environment, TimeSpan.FromMinutes(5), ["demo", .. arguments]);
    }

    /// <summary>Exit 0, the sandbox built around the pinned Beijing day, every job succeeded, every truth check at zero differences.</summary>
    /// <param name="firstRun">A first demo on an empty warehouse: every job must have called and written.</param>
    public static void AssertEverythingMatched(int exitCode, string output, DateTimeOffset now, bool firstRun)
    {
        Assert.True(exitCode == 0, $"exit {exitCode}\n{output}");
        Assert.Contains($"works over the two years to {ShanghaiClock.Day(now):yyyy-MM-dd} (Beijing)", output, StringComparison.Ordinal);
        var some = firstRun ? @"[1-9]\d*" : @"\d+";
        foreach (var job in Jobs)
        {
            Assert.Matches($@"(?m)^{job}: Succeeded in .* — {some} calls, .* {some} rows written, .* 0 failed, 0 skipped,", output);
        }

        Assert.Matches(@"Sandbox truth: [1-9][\d,]* works published → [\d,]+ in douyin.item \(0 missing, 0 unknown\)", output);
        Assert.Matches(@"Export: the sandbox served [1-9][\d,]* rows → .* 0 unmatched, 0 joined wrongly\.", output);
        Assert.Matches(@"Item analytics today: [1-9]\d* works, .* 0 with a status the sandbox did not give; \d+ play-source rows all equal to", output);
        Assert.Matches(@"Sandbox truth: [1-9][\d,]* live rooms in douyin.live_room \(0 missing, 0 unknown\); [1-9]\d* diagnosis values \(0 differ\); [1-9]\d* content-analysis windows \(0 with other verticals\)", output);
    }

    public static async Task<Production> ProductionAsync(string accountId = "brand-a", string name = "Brand A")
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        Assert.Equal(0, await CommandLine.InvokeAsync(["migrate", "--set", $"ConnectionStrings:Warehouse={connectionString}"]));
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO douyin.account (account_id, display_name, first_seen_at, updated_at) VALUES (@Id, @Name, '2026-01-05 04:00Z', '2026-11-20 04:00Z');
                INSERT INTO etl.account_status (account_id, state, state_since, last_checked_at, last_ok_at) VALUES (@Id, 'ok', '2026-01-05 04:00Z', '2026-11-20 04:00Z', '2026-11-20 04:00Z');
                """,
                new { Id = accountId, Name = name });
        }

        var decoy = await SandboxServer.StartAsync(new SandboxOptions { Accounts = 1, ItemsPerAccount = 1, ApiKey = "production-key" });
        return new Production(connectionString, accountId, decoy);
    }

    /// <summary>Every table of every schema, row by row: equal fingerprints mean nothing was created, changed or deleted.</summary>
    public static async Task<List<(string Table, string Rows)>> FingerprintAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        var tables = await connection.QueryAsync<string>(
            """
            SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables
            WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE' ORDER BY 1
            """);
        var fingerprint = new List<(string, string)>();
        foreach (var table in tables)
        {
            fingerprint.Add((table, await connection.ExecuteScalarAsync<string>(
                string.Create(CultureInfo.InvariantCulture, $"SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {table} t")) ?? ""));
        }

        return fingerprint;
    }
}
