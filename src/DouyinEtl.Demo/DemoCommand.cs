using System.CommandLine;
using System.Globalization;
using Dapper;
using DouyinEtl.Cli;
using DouyinEtl.Configuration;
using DouyinEtl.Hosting;
using DouyinEtl.Runs;
using DouyinEtl.Sandbox;
using DouyinEtl.Streams.LiveRooms;
using DouyinEtl.Sync;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DouyinEtl.Demo;

/// <summary>
/// `douyin-demo demo`: the whole pipeline on a laptop with nothing configured. Starts the sandbox (a fake TikHub) in
/// process and a local PostgreSQL from the machine's binaries (kept running between demos, so re-runs show that
/// nothing is paid for twice), runs every job for every sandbox account, and compares the warehouse with the sandbox.
/// </summary>
internal static class DemoCommand
{
    public const string DefaultDirectory = "/tmp/douyin-etl-demo";

    /// <summary>Settings that are the demo's own: a --set of them is refused (the environment's are not read, <see cref="WorkerHost.DemoOwnSections"/>).</summary>
    private static readonly string[] OwnSettings = ["ConnectionStrings", "Accounts", "Secrets", "TikHub:ApiKey", "TikHub:ApiKeyFile", "TikHub:BaseUrl"];

    public static Command Create()
    {
        var accounts = new Option<int>("--accounts") { Description = "Sandbox accounts.", DefaultValueFactory = _ => 4 };
        var items = new Option<int>("--items") { Description = "Works per sandbox account over two years.", DefaultValueFactory = _ => 1200 };
        CommandLine.RequirePositive(accounts);
        CommandLine.RequirePositive(items);
        var directory = new Option<string>("--directory") { Description = "Where the demo's own PostgreSQL cluster lives (created private to you; kept between demos).", DefaultValueFactory = _ => DefaultDirectory };
        var warehouse = new Option<string?>("--warehouse")
        {
            Description = "Write to this database (a connection string) instead of the demo's own cluster; refused if it holds any account that is not a sandbox account.",
        };
        var command = new Command(
            "demo",
            "Run every job against the built-in sandbox and the demo's own local PostgreSQL, then compare what landed with the sandbox's truth. " +
            "It never reads the environment's warehouse, accounts, TikHub settings or secrets.")
        {
            accounts,
            items,
            directory,
            warehouse,
        };
        command.SetAction((parse, cancellationToken) => CommandLine.GuardAsync(() =>
            RunAsync(parse, parse.GetValue(accounts), parse.GetValue(items), parse.GetValue(directory)!, parse.GetValue(warehouse), cancellationToken)));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, int accountCount, int itemsPerAccount, string directory, string? warehouse, CancellationToken cancellationToken)
    {
        RefuseOwnSettings(parse);
        NoteIgnoredEnvironment();

        // Mixed: answers alternate between TikHub's documented shape and the real one, so both land (and every table fills).
        var sandboxOptions = new SandboxOptions { Accounts = accountCount, ItemsPerAccount = itemsPerAccount, BurstItems = 1100, Variant = PayloadVariant.Mixed };
        await using var sandbox = await SandboxServer.StartAsync(sandboxOptions, cancellationToken: cancellationToken);
        Console.WriteLine($"Sandbox TikHub  {sandbox.BaseUrl}  ({sandbox.World.Accounts.Count} accounts, works over the two years to {sandbox.World.AnchorDay:yyyy-MM-dd} (Beijing), " +
                          $"rate limit {sandboxOptions.RequestsPerSecondPerKey}/s per key, {sandboxOptions.RequestsPerSecondPerEndpoint}/s per endpoint, {sandboxOptions.Variant} payload shapes)");

        var target = await DemoWarehouse.OpenAsync(warehouse, directory, cancellationToken);
        Console.WriteLine($"Warehouse       {Redacted(target.ConnectionString)}");

        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Warehouse"] = target.ConnectionString,
            ["TikHub:BaseUrl"] = sandbox.BaseUrl,
            ["TikHub:ApiKey"] = sandboxOptions.ApiKey,
            ["ItemAnalytics:MaxItemsPerRun"] = MaxItemsPerRun(parse),

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

        using var host = await CommandLine.StartAsync(WorkerRole.Demo, parse, cancellationToken, extra: settings);
        var runner = host.Services.GetRequiredService<JobRunner>();
        var worst = RunOutcome.Succeeded;
        var startedAt = sandbox.State.Clock.GetUtcNow();
        var billedBefore = sandbox.Calls.TotalBilled;
        foreach (var job in runner.Jobs)
        {
            var summary = await runner.RunAsync(new RunRequest(job.Name, [], RunPeriod.Default, "demo"), cancellationToken);
            Console.WriteLine(CommandLine.Describe(summary));
            worst = (RunOutcome)Math.Max((int)worst, (int)summary.Outcome);
        }

        var withSnapshot = await PrintTablesAsync(host.Services.GetRequiredService<NpgsqlDataSource>(), sandbox.State.Clock.GetUtcNow(), cancellationToken);
        Console.WriteLine();
        var matches = await DemoTruth.PrintItemsAsync(target.ConnectionString, sandbox, startedAt, sandbox.Calls.TotalBilled - billedBefore, withSnapshot);
        matches &= await DemoTruth.PrintExportAsync(target.ConnectionString, sandbox);
        matches &= await DemoTruth.PrintItemAnalyticsAsync(target.ConnectionString, sandbox);
        matches &= await DemoTruth.PrintAccountStreamsAsync(target.ConnectionString, sandbox, host.Services.GetRequiredService<IOptions<LiveRoomsOptions>>().Value);

        Console.WriteLine();
        Console.WriteLine($"Connect:  {target.PsqlCommand}");
        Console.WriteLine("          e.g.  SELECT account_id, count(*) FROM douyin.item GROUP BY 1;");
        if (target.Postgres is { } postgres)
        {
            Console.WriteLine($"Stop it:  {postgres.StopCommand}   (data in {postgres.Directory}, private to you; the next demo reuses it)");
        }

        return matches ? (int)worst.ToExitCode() : (int)ExitCode.Failed;
    }

    private static void RefuseOwnSettings(ParseResult parse)
    {
        var refused = CommandLine.Overrides(parse)
            .Select(o => o.Key)
            .Where(key => OwnSettings.Any(own => key.Equals(own, StringComparison.OrdinalIgnoreCase) || key.StartsWith(own + ":", StringComparison.OrdinalIgnoreCase)))
            .ToList();
        if (refused.Count > 0)
        {
            throw new ConfigurationException(
                $"demo brings its own TikHub (the sandbox), accounts and warehouse, so it takes no --set {string.Join(", ", refused)}. " +
                "To write to a database of yours, give --warehouse <connection string>.");
        }
    }

    private static void NoteIgnoredEnvironment()
    {
        var ignored = Environment.GetEnvironmentVariables().Keys.OfType<string>()
            .Select(name => name.Replace("__", ":", StringComparison.Ordinal))
            .Where(key => WorkerHost.DemoOwnSections.Any(own => key.Equals(own, StringComparison.OrdinalIgnoreCase) || key.StartsWith(own + ":", StringComparison.OrdinalIgnoreCase)))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (ignored.Count > 0)
        {
            Console.WriteLine($"Ignoring        {string.Join(", ", ignored.Select(k => k.Replace(":", "__", StringComparison.Ordinal)))} from the environment: the demo uses its own sandbox, accounts and warehouse");
        }
    }

    /// <summary>
    /// Works fanned out per demo run: the demo world has ~600 works inside the horizon, ~4,800 calls at production
    /// rate limits (8 minutes), so the demo takes the 25 youngest per run unless <c>--set ItemAnalytics:MaxItemsPerRun=…</c> says otherwise.
    /// </summary>
    private static string MaxItemsPerRun(ParseResult parse) =>
        CommandLine.Overrides(parse).LastOrDefault(o => string.Equals(o.Key, "ItemAnalytics:MaxItemsPerRun", StringComparison.OrdinalIgnoreCase)).Value ?? "25";

    /// <summary>Prints every table's rows; returns the works with a snapshot from this hour.</summary>
    private static async Task<long> PrintTablesAsync(NpgsqlDataSource dataSource, DateTimeOffset now, CancellationToken cancellationToken)
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

        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(DISTINCT item_id) FROM douyin.item_metric_snapshot WHERE captured_hour >= @Since",
            new { Since = ShanghaiTime.FloorToHour(now).AddHours(-1).UtcDateTime },
            cancellationToken: cancellationToken));
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
