using System.CommandLine;
using System.Globalization;
using Dapper;
using DouyinEtl.Configuration;
using DouyinEtl.Hosting;
using DouyinEtl.Sandbox;
using DouyinEtl.Sync;
using DouyinEtl.Warehouse;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DouyinEtl.Cli;

/// <summary>
/// `douyin-etl demo`: the whole pipeline on a laptop with nothing configured. Starts the sandbox (a fake TikHub) in
/// process and a local PostgreSQL from the machine's binaries (kept running between demos, so re-runs show that
/// nothing is paid for twice), runs every job for every sandbox account, and compares the warehouse with the sandbox.
/// </summary>
internal static class DemoCommand
{
    public const string DefaultDirectory = "/tmp/douyin-etl-demo";
    private const string DemoDatabase = "douyin_demo";

    public static Command Create()
    {
        var accounts = new Option<int>("--accounts") { Description = "Sandbox accounts.", DefaultValueFactory = _ => 4 };
        var items = new Option<int>("--items") { Description = "Works per sandbox account over two years.", DefaultValueFactory = _ => 1200 };
        var directory = new Option<string>("--directory") { Description = "Where the local PostgreSQL cluster lives.", DefaultValueFactory = _ => DefaultDirectory };
        var command = new Command("demo", "Run every job against the built-in sandbox and a throwaway local PostgreSQL (or ConnectionStrings:Warehouse if set), then print what landed.")
        {
            accounts,
            items,
            directory,
        };
        command.SetAction((parse, cancellationToken) => CommandLine.GuardAsync(() =>
            RunAsync(parse, parse.GetValue(accounts), parse.GetValue(items), parse.GetValue(directory)!, cancellationToken)));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, int accountCount, int itemsPerAccount, string directory, CancellationToken cancellationToken)
    {
        // Mixed: answers alternate between TikHub's documented shape and the real one, so both land (and every table fills).
        var sandboxOptions = new SandboxOptions { Accounts = accountCount, ItemsPerAccount = itemsPerAccount, BurstItems = 1100, Variant = PayloadVariant.Mixed };
        await using var sandbox = await SandboxServer.StartAsync(sandboxOptions, cancellationToken: cancellationToken);
        Console.WriteLine($"Sandbox TikHub  {sandbox.BaseUrl}  ({sandbox.World.Accounts.Count} accounts, rate limit {sandboxOptions.RequestsPerSecondPerKey}/s per key, {sandboxOptions.RequestsPerSecondPerEndpoint}/s per endpoint, {sandboxOptions.Variant} payload shapes)");

        var (connectionString, postgres) = await WarehouseAsync(parse, directory, cancellationToken);
        Console.WriteLine($"Warehouse       {Redacted(connectionString)}");

        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Warehouse"] = connectionString,
            ["TikHub:BaseUrl"] = sandbox.BaseUrl,
            ["TikHub:ApiKey"] = sandboxOptions.ApiKey,
            ["ItemAnalytics:MaxItemsPerRun"] = ItemAnalyticsDemoCheck.MaxItemsPerRun(parse),

            // The sandbox's expired cookies and stale streams are nobody's business: never tell the environment's sinks.
            ["Notifications:Enabled"] = "false",
        };
        Console.WriteLine($"Item analytics  at most {settings["ItemAnalytics:MaxItemsPerRun"]} works per run (ItemAnalytics:MaxItemsPerRun, change with --set; production default 0 = no cap), youngest first; each demo continues with the next ones");
        for (var i = 0; i < sandbox.World.Accounts.Count; i++)
        {
            var account = sandbox.World.Accounts[i];
            settings[$"Accounts:{i}:Id"] = account.Id;
            settings[$"Accounts:{i}:Name"] = account.Name;
            settings[$"Accounts:{i}:Cookie"] = account.Cookie;
        }

        using var host = await CommandLine.StartAsync(WorkerRole.Jobs, parse, cancellationToken, extra: settings);
        var runner = host.Services.GetRequiredService<JobRunner>();
        var worst = RunOutcome.Succeeded;
        var truthAtStart = sandbox.World.AllVisibleItems(sandbox.State.Clock.GetUtcNow()).Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        var billedBefore = sandbox.Calls.TotalBilled;
        foreach (var job in runner.Jobs)
        {
            var summary = await runner.RunAsync(new RunRequest(job.Name, [], RunPeriod.Default, "demo"), cancellationToken);
            Console.WriteLine(CommandLine.Describe(summary));
            worst = (RunOutcome)Math.Max((int)worst, (int)summary.Outcome);
        }

        var truthAtEnd = sandbox.World.AllVisibleItems(sandbox.State.Clock.GetUtcNow()).Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        var matches = await PrintWarehouseAsync(host.Services.GetRequiredService<NpgsqlDataSource>(), truthAtStart, truthAtEnd, sandbox.Calls.TotalBilled - billedBefore, cancellationToken);
        matches &= await DemoExportCheck.PrintAsync(host.Services.GetRequiredService<NpgsqlDataSource>(), sandbox, cancellationToken);
        matches &= await ItemAnalyticsDemoCheck.PrintAsync(host.Services.GetRequiredService<NpgsqlDataSource>(), sandbox, cancellationToken);
        matches &= await DemoAccountStreamsCheck.PrintAsync(host.Services, sandbox, cancellationToken);

        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Console.WriteLine();
        Console.WriteLine($"Connect:  psql \"host={builder.Host} port={builder.Port} user={builder.Username} dbname={builder.Database}\"");
        Console.WriteLine("          e.g.  SELECT account_id, count(*) FROM douyin.item GROUP BY 1;");
        if (postgres is not null)
        {
            Console.WriteLine($"Stop it:  {postgres.StopCommand}   (data in {postgres.Directory}; the next demo reuses it)");
        }

        return matches ? (int)worst.ToExitCode() : (int)ExitCode.Failed;
    }

    private static async Task<(string ConnectionString, LocalPostgres? Postgres)> WarehouseAsync(ParseResult parse, string directory, CancellationToken cancellationToken)
    {
        var configured = WorkerHost.CreateBuilder(WorkerRole.Warehouse, CommandLine.Overrides(parse)).Configuration[WarehouseOptions.ConnectionStringKey];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return (configured, null);
        }

        Console.WriteLine($"Starting a local PostgreSQL in {directory} …");
        var postgres = await LocalPostgres.StartAsync(directory, durable: true, cancellationToken);
        await using (var connection = new NpgsqlConnection(postgres.ConnectionString()))
        {
            await connection.OpenAsync(cancellationToken);
            var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = @name)", new { name = DemoDatabase }, cancellationToken: cancellationToken));
            if (!exists)
            {
                await connection.ExecuteAsync(new CommandDefinition($"CREATE DATABASE {DemoDatabase}", cancellationToken: cancellationToken));
            }
        }

        return (postgres.ConnectionString(DemoDatabase), postgres);
    }

    private static async Task<bool> PrintWarehouseAsync(NpgsqlDataSource dataSource, HashSet<string> truthAtStart, HashSet<string> truthAtEnd, long billedBySandbox, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var tables = (await connection.QueryAsync<string>(new CommandDefinition(
            """
            SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables
            WHERE table_schema IN ('douyin', 'raw', 'etl') AND table_type = 'BASE TABLE'
            ORDER BY table_schema, table_name
            """, cancellationToken: cancellationToken))).ToList();

        Console.WriteLine();
        Console.WriteLine($"{"table",-40} {"rows",12}");
        foreach (var table in tables)
        {
            var rows = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT count(*) FROM {table}", cancellationToken: cancellationToken));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{table,-40} {rows,12:N0}"));
        }

        var landed = (await connection.QueryAsync<string>(new CommandDefinition("SELECT item_id FROM douyin.item", cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);
        var withSnapshot = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(DISTINCT item_id) FROM douyin.item_metric_snapshot WHERE captured_hour >= date_trunc('hour', now()) - interval '1 hour'",
            cancellationToken: cancellationToken));
        var missing = truthAtStart.Except(landed).Count();
        var unknown = landed.Except(truthAtEnd).Count();
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Sandbox truth: {truthAtStart.Count:N0} works published → {landed.Count:N0} in douyin.item ({missing} missing, {unknown} unknown), " +
            $"{withSnapshot:N0} with a snapshot from this hour; the sandbox billed {billedBySandbox:N0} calls in this demo."));
        return missing == 0 && unknown == 0;
    }

    private static string Redacted(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(builder.Password))
        {
            builder.Password = "***";
        }

        return builder.ConnectionString;
    }
}
